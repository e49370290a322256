#!/usr/bin/env python3
"""Prints the closing line of a test run from Swift Testing's JUnit file:
"tests: N passed, N failed, N skipped", preceded by each distinct skip reason.

swift test's own closing line counts skipped tests as passed, and the JUnit file's <testsuite>
totals are not reliable when tests are skipped, so this counts the <testcase> elements themselves:
a run whose Citus phases were skipped reads as skipped, never as passed.
"""
import sys
import xml.etree.ElementTree as ET
from collections import Counter

if len(sys.argv) not in (2, 3):
    sys.exit("usage: test-summary.py reports/junit-swift-testing.xml [exit status of swift test]")
status = int(sys.argv[2]) if len(sys.argv) == 3 else 0
try:
    cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
except (OSError, ET.ParseError) as error:
    sys.exit(f"test-summary: cannot read {sys.argv[1]} ({error}): the test run did not finish")

passed = failed = 0
skips = Counter()
for case in cases:
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif (skip := case.find("skipped")) is not None:
        skips[(skip.text or skip.get("message") or "no reason given").strip()] += 1
    else:
        passed += 1
if status != 0 and failed == 0:
    # An issue recorded outside any test (a phase's setup failed, so its tests never ran) fails the
    # run without a failing <testcase>.
    print("  the run failed outside any single test (a suite's setup): see the output above")
    failed = 1
for reason, count in skips.items():
    print(f"  {count} skipped: {reason}")
print(f"tests: {passed} passed, {failed} failed, {sum(skips.values())} skipped")

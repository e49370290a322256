/// The seed's only source of randomness: a pure function of (seed, stream, row) in integer
/// arithmetic that never leaves 47 bits, so PostgreSQL's bigint computes it exactly too
/// (`sql/setup/01_initial_seed_data.sql` has the same function as `pg_temp.seed_hash`). Three
/// rounds of a Park–Miller step (multiply by 48271 modulo 2^31 − 1) each followed by an xor-shift.
/// Not a statistical generator of note; enough to spread tenants, dates and prices, and the same
/// everywhere, unlike `random()`, whose algorithm differs between PostgreSQL versions.
public enum SeedHash {
    public static let modulus = 2_147_483_647

    /// The seed as the hash takes it: the 64-bit seed modulo 2^31 − 1.
    public static func reduced(_ seed: UInt64) -> Int { Int(seed % UInt64(modulus)) }

    /// A value in 0 ..< 2^31 for `stream` (which choice) and `row` (which row), from a `reduced` seed.
    public static func value(_ seed: Int, _ stream: Int, _ row: Int) -> Int {
        var x = (seed * 16_807 + stream * 7_919 + row) % modulus
        for _ in 0..<3 {
            x = x * 48_271 % modulus
            x ^= x >> 15
        }
        return x
    }

    /// Which users are heavy: exactly a fifth, those whose id is congruent to the seed modulo 5
    /// (residue 0 read as 5), numbered in id order; the others are light, numbered the same way.
    public struct HeavyUsers: Sendable {
        /// The heavy users' id modulo 5, 1 to 5.
        public let residue: Int
        public let heavyCount: Int

        public init(seed: Int, users: Int) {
            precondition(users % 5 == 0, "the user count is a multiple of 5")
            residue = seed % 5 == 0 ? 5 : seed % 5
            heavyCount = users / 5
        }

        /// The k-th heavy user's id (k from 0).
        public func heavy(_ k: Int) -> Int { 5 * k + residue }

        /// The k-th light user's id (k from 0): the four ids of each block of five that are not heavy.
        public func light(_ k: Int) -> Int {
            let block = k / 4
            let position = k % 4 + 1
            return 5 * block + (position < residue ? position : position + 1)
        }
    }
}

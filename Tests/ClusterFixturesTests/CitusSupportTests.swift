import ClusterFixtures
import Testing

/// The supported pairs preflight judges by, read both ways.
@Suite("Citus release lines and the PostgreSQL majors they support")
struct CitusSupportTests {
    @Test("Extension and release versions name their line")
    func releaseLines() {
        #expect(CitusSupport.releaseLine(of: "13.2-1") == "13.2")
        #expect(CitusSupport.releaseLine(of: "14.0.1") == "14.0")
        #expect(CitusSupport.releaseLine(of: "devel") == nil)
    }

    @Test("Citus 14.0 supports 16 to 18, not 15; 13.2 supports 15 to 17, not 18; an unknown line is unknown")
    func supportedMajors() {
        let citus14 = CitusSupport.postgresMajors(forCitus: "14.0-1")
        #expect(citus14?.contains(18) == true && citus14?.contains(16) == true)
        #expect(citus14?.contains(15) == false)
        let citus13 = CitusSupport.postgresMajors(forCitus: "13.2-1")
        #expect(citus13?.contains(15) == true && citus13?.contains(17) == true)
        #expect(citus13?.contains(18) == false && citus13?.contains(14) == false)
        #expect(CitusSupport.postgresMajors(forCitus: "12.1-1")?.contains(16) == true)
        #expect(CitusSupport.postgresMajors(forCitus: "99.0-1") == nil)
    }
}

import ClusterFixtures
import Testing

/// The written-out schema as each server records it: PostgreSQL 18 adds a `NOT NULL` constraint
/// per non-null column (`pg_constraint`, contype `n`); earlier servers do not.
@Suite("Baseline schema per server version")
struct BaselineSchemaTests {
    @Test("PostgreSQL 15 and 16 expect the schema as written, with no NOT NULL constraint lines")
    func olderServersExpectTheWrittenLines() {
        #expect(BaselineSchema.lines(serverVersionNum: 150_020) == BaselineSchema.lines)
        #expect(BaselineSchema.lines(serverVersionNum: 160_002) == BaselineSchema.lines)
    }

    @Test("PostgreSQL 18 expects one NOT NULL constraint per non-null column, named as 18 names it")
    func postgres18ExpectsNotNullConstraints() {
        let on18 = BaselineSchema.lines(serverVersionNum: 180_006)
        let added = on18.subtracting(BaselineSchema.lines)
        // Every column of the four tables is NOT NULL in the design: one constraint each.
        let columns = BaselineSchema.lines.filter { $0.contains(" null=") && !$0.contains(" constraint ") }
        #expect(added.count == columns.count)
        #expect(added.contains("orders constraint orders_user_id_not_null NOT NULL user_id"))
        #expect(added.contains("regions constraint regions_currency_not_null NOT NULL currency"))
        // A nullable column gets none.
        let nullable: Set<String> = ["t.c text null=YES default=-", "t.d text null=NO default=-"]
        #expect(
            BaselineSchema.lines(nullable, serverVersionNum: 180_006).subtracting(nullable) == [
                "t constraint t_d_not_null NOT NULL d"
            ])
    }
}

/// The one difference undistributing shows on PostgreSQL 18 is told apart from every other one.
@Suite("NOT NULL constraints named after undistribute's temporary table")
struct TemporaryNotNullNameTests {
    let missing = ["orders constraint orders_amount_not_null NOT NULL amount"]

    @Test("A NOT NULL constraint named <table>_<digits>_<column>_not_null is the renamed one, nothing else left")
    func renamedIsToldApart() {
        let split = BaselineSchema.notNullNamedAfterTemporaryTable(
            missing: missing, extra: ["orders constraint orders_1108812256_amount_not_null NOT NULL amount"])
        #expect(
            split.renamed == [
                "orders constraint orders_amount_not_null NOT NULL amount → "
                    + "orders constraint orders_1108812256_amount_not_null NOT NULL amount"
            ])
        #expect(split.missing.isEmpty && split.extra.isEmpty)
    }

    @Test("Another column, another table, a constraint of another kind or a lost one stays a difference")
    func otherDifferencesStay() {
        for extra in [
            "orders constraint orders_1108812256_quantity_not_null NOT NULL quantity",
            "users constraint users_1108812256_amount_not_null NOT NULL amount",
            "orders constraint orders_1108812256_amount_check CHECK ((amount >= (0)::numeric))",
            "orders constraint orders_amount_nn NOT NULL amount",
        ] {
            let split = BaselineSchema.notNullNamedAfterTemporaryTable(missing: missing, extra: [extra])
            #expect(split.renamed.isEmpty, "\(extra)")
            #expect(split.missing == missing && split.extra == [extra])
        }
        let lost = BaselineSchema.notNullNamedAfterTemporaryTable(missing: missing, extra: [])
        #expect(lost.renamed.isEmpty && lost.missing == missing)
    }
}

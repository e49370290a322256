/// The Phase 1 schema as `Cluster.schemaSignature()` prints it: what `sql/setup/00_create_base_table.sql`
/// must create, and what the tables must look like again after Phase 4. Written out here, line by
/// line, so the file is judged against it (the suite never learns the schema from the file itself).
public enum BaselineSchema {
    public static let lines: Set<String> = [
        "order_items constraint order_items_pkey PRIMARY KEY (user_id, id)",
        "order_items constraint order_items_quantity_check CHECK ((quantity > 0))",
        "order_items constraint order_items_unit_price_check CHECK ((unit_price >= (0)::numeric))",
        """
        order_items constraint order_items_user_id_order_id_fkey FOREIGN KEY (user_id, order_id) REFERENCES \
        orders(user_id, id)
        """,
        "order_items index CREATE UNIQUE INDEX order_items_pkey ON public.order_items USING btree (user_id, id)",
        "order_items.id bigint null=NO default=nextval('order_items_id_seq'::regclass)",
        "order_items.order_id bigint null=NO default=-",
        "order_items.product_name text null=NO default=-",
        "order_items.quantity integer null=NO default=-",
        "order_items.unit_price numeric(10,2) null=NO default=-",
        "order_items.user_id bigint null=NO default=-",
        "orders constraint orders_amount_check CHECK ((amount >= (0)::numeric))",
        "orders constraint orders_pkey PRIMARY KEY (user_id, id)",
        "orders constraint orders_quantity_check CHECK ((quantity > 0))",
        "orders constraint orders_region_fkey FOREIGN KEY (region) REFERENCES regions(code)",
        """
        orders constraint orders_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'paid'::text, \
        'shipped'::text, 'delivered'::text, 'cancelled'::text])))
        """,
        "orders index CREATE INDEX idx_orders_created_at ON public.orders USING btree (created_at)",
        "orders index CREATE INDEX idx_orders_region ON public.orders USING btree (region)",
        "orders index CREATE INDEX idx_orders_user_id ON public.orders USING btree (user_id)",
        "orders index CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (user_id, id)",
        "orders.amount numeric(12,2) null=NO default=-",
        "orders.created_at timestamp with time zone null=NO default=-",
        "orders.id bigint null=NO default=nextval('orders_id_seq'::regclass)",
        "orders.metadata jsonb null=NO default='{}'::jsonb",
        "orders.product_id integer null=NO default=-",
        "orders.quantity integer null=NO default=-",
        "orders.region text null=NO default=-",
        "orders.status text null=NO default=-",
        "orders.updated_at timestamp with time zone null=NO default=-",
        "orders.user_id bigint null=NO default=-",
        "regions constraint regions_pkey PRIMARY KEY (code)",
        "regions index CREATE UNIQUE INDEX regions_pkey ON public.regions USING btree (code)",
        "regions.code text null=NO default=-",
        "regions.currency character(3) null=NO default=-",
        "regions.name text null=NO default=-",
        "regions.timezone text null=NO default=-",
        "users constraint users_email_key UNIQUE (email)",
        "users constraint users_pkey PRIMARY KEY (id)",
        "users constraint users_region_code_fkey FOREIGN KEY (region_code) REFERENCES regions(code)",
        "users constraint users_tier_check CHECK ((tier = ANY (ARRAY['free'::text, 'pro'::text, 'enterprise'::text])))",
        "users index CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)",
        "users index CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)",
        "users.created_at timestamp with time zone null=NO default=-",
        "users.email text null=NO default=-",
        "users.id bigint null=NO default=nextval('users_id_seq'::regclass)",
        "users.name text null=NO default=-",
        "users.region_code text null=NO default=-",
        "users.tier text null=NO default=-",
        "order_items table persistence=p kind=r options=- rowsecurity=false owner=the suite's user",
        "orders table persistence=p kind=r options=- rowsecurity=false owner=the suite's user",
        "regions table persistence=p kind=r options=- rowsecurity=false owner=the suite's user",
        "users table persistence=p kind=r options=- rowsecurity=false owner=the suite's user",
    ]

    /// `expected` as a server of `serverVersionNum` prints it. PostgreSQL 18 records every NOT NULL
    /// as a constraint of its own in `pg_constraint` (contype `n`, named `<table>_<column>_not_null`),
    /// beside `pg_attribute.attnotnull`; older servers record only the latter. The constraint lines
    /// are derived from the expected columns (`null=NO`), so the expectation still comes from the
    /// written-out schema, and a NOT NULL lost on 18 shows in both places.
    public static func lines(_ expected: Set<String> = lines, serverVersionNum: Int) -> Set<String> {
        guard serverVersionNum >= 180_000 else { return expected }
        let notNull = expected.compactMap { line -> String? in
            // "orders.user_id bigint null=NO default=-"
            //     → "orders constraint orders_user_id_not_null NOT NULL user_id"
            guard line.contains(" null=NO "), let name = line.split(separator: " ").first,
                !line.contains(" constraint "),
                let dot = name.firstIndex(of: ".")
            else { return nil }
            let table = name[..<dot]
            let column = name[name.index(after: dot)...]
            return "\(table) constraint \(table)_\(column)_not_null NOT NULL \(column)"
        }
        return expected.union(notNull)
    }

    /// Splits schema differences into NOT NULL constraints that are only named after a temporary
    /// table (`renamed`, as "expected → found") and everything else. `undistribute_table` builds each
    /// table anew under a temporary name (`<table>_<hash of the name>`) and renames it back;
    /// PostgreSQL 18 names a NOT NULL constraint after the table it is created on, so the
    /// constraints keep the temporary name (`orders_1108812256_amount_not_null`). The column stays
    /// NOT NULL; only the name differs, which a migration that names the constraint trips over.
    public static func notNullNamedAfterTemporaryTable(missing: [String], extra: [String])
        -> (renamed: [String], missing: [String], extra: [String])
    {
        let expectedName = /^(\w+) constraint (\w+)_not_null NOT NULL (\w+)$/
        let foundName = /^(\w+) constraint (\w+)_[0-9]+_(\w+)_not_null NOT NULL (\w+)$/
        var renamed: [String] = []
        var leftMissing: [String] = []
        var leftExtra = extra
        for line in missing {
            guard let wanted = line.wholeMatch(of: expectedName),
                let index = leftExtra.firstIndex(where: { candidate in
                    guard let found = candidate.wholeMatch(of: foundName) else { return false }
                    return found.1 == wanted.1 && found.2 == wanted.1 && found.3 == wanted.3 && found.4 == wanted.3
                        && wanted.2 == "\(wanted.1)_\(wanted.3)"
                })
            else {
                leftMissing.append(line)
                continue
            }
            renamed.append("\(line) → \(leftExtra.remove(at: index))")
        }
        return (renamed, leftMissing, leftExtra)
    }
}

import ArgumentParser
import ClusterFixtures
import Foundation

/// `citus-verify stats`: how the data is spread.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show shards per node, rows and size per shard, and colocation groups.",
        discussion: """
            Read from citus_shards, citus_tables and pg_dist_shard; row counts from the shards themselves \
            (run_command_on_shards).

            Examples:
              citus-verify stats
              citus-verify stats --json | jq '.nodes'
            """
    )

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    func run() throws {
        let stats = try ClusterAccess.open().shardStatistics()
        if json {
            print(try JSONOutput.encode(stats))
            return
        }
        print("Shards per node")
        print(
            TextTable(
                header: ["node", "address", "shards", "size"],
                rows: stats.nodes.map { [$0.node, $0.address, String($0.shards), ByteCount.text($0.bytes)] }
            ).render())
        print("\nColocation groups")
        print(
            TextTable(
                header: ["group", "type", "column", "shards", "tables"],
                rows: stats.colocationGroups.map {
                    [
                        String($0.colocationID), $0.tableType, $0.distributionColumn ?? "-", String($0.shardCount),
                        $0.tables.joined(separator: ", "),
                    ]
                }
            ).render())
        print("\nShards")
        print(
            TextTable(
                header: ["table", "shard", "node", "rows", "size", "hash range"],
                rows: stats.shards.map { shard in
                    [
                        shard.table, String(shard.shardID), shard.node, String(shard.rows), ByteCount.text(shard.bytes),
                        shard.minHash.map { "\($0) … \(shard.maxHash ?? $0)" } ?? "-",
                    ]
                }
            ).render())
    }

}

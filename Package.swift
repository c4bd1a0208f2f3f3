// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PipeSched",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "PipeSched", targets: ["PipeSched"]),
        .library(name: "PipeSchedExport", targets: ["PipeSchedExport"]),
        .library(name: "LinearProgramming", targets: ["LinearProgramming"]),
        .library(name: "PipeSchedProfile", targets: ["PipeSchedProfile"]),
        .library(name: "PipeSchedILP", targets: ["PipeSchedILP"]),
        .library(name: "CPSAT", targets: ["CPSAT"]),
        .library(name: "PipeSchedCPSAT", targets: ["PipeSchedCPSAT"]),
        .library(name: "PipeSchedStore", targets: ["PipeSchedStore"]),
        .library(name: "PipeSchedServer", targets: ["PipeSchedServer"]),
        .library(name: "PipeSchedSweep", targets: ["PipeSchedSweep"]),
        .executable(name: "pipesched", targets: ["pipesched"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // No default traits: the server needs neither swift-configuration nor full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The server's connection watch (a channel handler that tells a solve its client went away).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // The result cache's use order (`HotResults`).
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // The PostgreSQL store (`--database postgres://...`): a shared store and job queue for many servers.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Core: problem model, simulator, validator, bounds, schedule families. No I/O, no C.
        .target(name: "PipeSched"),
        // Debian's libglpk-dev ships no glpk.pc: the module map links "glpk" directly.
        .systemLibrary(name: "CGLPK", path: "Sources/CGLPK", providers: [.apt(["libglpk-dev"])]),
        // cbc.pc comes with coinor-libcbc-dev (adds -I/usr/include/coin and the COIN-OR libraries).
        .systemLibrary(name: "CCbc", path: "Sources/CCbc", pkgConfig: "cbc", providers: [.apt(["coinor-libcbc-dev"])]),
        // Solver-neutral MILP model with GLPK and CBC backends: the only code that calls C.
        .target(name: "LinearProgramming", dependencies: ["CGLPK", "CCbc"]),
        // OR-Tools' CP-SAT through its C API (loaded at run time) and a protobuf encoder of the messages it needs.
        .target(name: "CPSAT"),
        // The scheduling problem as a CP-SAT model: the `cpsat` and `cpsat-window` methods.
        .target(name: "PipeSchedCPSAT", dependencies: ["PipeSched", "PipeSchedILP", "CPSAT"]),
        // Cost model and measured profiles: model + hardware (JSON or YAML) or traces in, problem out.
        .target(name: "PipeSchedProfile", dependencies: ["PipeSched", .product(name: "Yams", package: "Yams")]),
        // Export: PyTorch schedule CSV (write, read, loader rules), Chrome trace, SVG timeline, HTML report.
        // Pure functions from schedules to text; no file I/O.
        .target(name: "PipeSchedExport", dependencies: ["PipeSched"]),
        // The scheduling ILP and window search on top of the core and the MILP layer.
        .target(name: "PipeSchedILP", dependencies: ["PipeSched", "LinearProgramming"]),
        // Result store: canonical request keys, stored schedules and job rows behind `ResultStore`; SQLite via GRDB, PostgreSQL via postgres-nio.
        .target(
            name: "PipeSchedStore",
            dependencies: [
                "PipeSched",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // HTTP service: routes, job queue with limits and cancellation, metrics, export formats, the cost model and the web page. Orchestration only.
        .target(
            name: "PipeSchedServer",
            dependencies: [
                "PipeSched", "PipeSchedStore", "PipeSchedExport", "PipeSchedProfile",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // Sweeps: grid files (YAML; a base problem or a model for the cost model), point expansion, shards, runner, CSV/JSON/SVG outputs.
        .target(name: "PipeSchedSweep", dependencies: ["PipeSched", "PipeSchedStore", "PipeSchedProfile", .product(name: "Yams", package: "Yams")]),
        // The command-line tool: thin commands that read files and call the library.
        .executableTarget(
            name: "pipesched",
            dependencies: [
                "PipeSched",
                "PipeSchedProfile",
                "PipeSchedExport",
                "PipeSchedILP",
                "PipeSchedCPSAT",
                "PipeSchedStore",
                "PipeSchedServer",
                "PipeSchedSweep",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks of the heuristic search (`make bench-search`): Markdown tables for docs/benchmarks.md.
        .executableTarget(
            name: "pipesched-bench",
            dependencies: ["PipeSched", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Benchmarks of the exact methods (`make bench-ilp`); not part of the tool.
        .executableTarget(name: "pipesched-bench-ilp", dependencies: ["PipeSched", "PipeSchedILP", "PipeSchedCPSAT", "LinearProgramming"]),
        .testTarget(name: "PipeSchedTests", dependencies: ["PipeSched", "CLITestSupport"]),
        .testTarget(name: "PipeSchedExportTests", dependencies: ["PipeSched", "PipeSchedExport", "CLITestSupport"],
                    exclude: ["Snapshots", "Fixtures"]),
        .testTarget(name: "LinearProgrammingTests", dependencies: ["LinearProgramming"]),
        .testTarget(name: "PipeSchedProfileTests", dependencies: ["PipeSchedProfile", "PipeSched"]),
        .testTarget(name: "PipeSchedILPTests", dependencies: ["PipeSchedILP", "PipeSchedCPSAT", "PipeSched", "LinearProgramming", "CLITestSupport"]),
        .testTarget(name: "CPSATTests", dependencies: ["CPSAT"]),
        .testTarget(name: "PipeSchedStoreTests", dependencies: ["PipeSchedStore", "PostgresTestSupport"]),
        // Runs the built `pipesched` for the tests that check the command line end to end.
        .target(name: "CLITestSupport", path: "Tests/CLITestSupport"),
        // Fresh databases on the throwaway PostgreSQL that scripts/with-postgres starts for the tests.
        .target(name: "PostgresTestSupport", dependencies: ["PipeSchedStore", .product(name: "PostgresNIO", package: "postgres-nio")],
                path: "Tests/PostgresTestSupport"),
        .testTarget(
            name: "PipeSchedServerTests",
            dependencies: [
                "PipeSchedServer", "PipeSchedStore", "PipeSchedILP", "PipeSchedSweep", "PipeSchedExport", "LinearProgramming",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                "PipeSchedFuzz",
                "PostgresTestSupport",
                "CLITestSupport",
            ]
        ),
        .testTarget(name: "PipeSchedSweepTests", dependencies: ["PipeSchedSweep", "PipeSchedStore", "PostgresTestSupport", "CLITestSupport"]),
        // Fuzz suite (issue 15): a seeded input mutator shared by the library fuzzers and the HTTP fuzzer.
        .target(name: "PipeSchedFuzz", dependencies: ["PipeSched"], path: "Tests/PipeSchedFuzz"),
        .testTarget(name: "FuzzTests", dependencies: ["PipeSchedFuzz", "PipeSched", "PipeSchedProfile", "PipeSchedSweep"]),
    ]
)

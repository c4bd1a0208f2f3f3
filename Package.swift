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
        .executable(name: "pipesched", targets: ["pipesched"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
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
        // Cost model and measured profiles: model + hardware (JSON or YAML) or traces in, problem out.
        .target(name: "PipeSchedProfile", dependencies: ["PipeSched", .product(name: "Yams", package: "Yams")]),
        // Export: PyTorch schedule CSV (write, read, loader rules), Chrome trace, SVG timeline, HTML report.
        // Pure functions from schedules to text; no file I/O.
        .target(name: "PipeSchedExport", dependencies: ["PipeSched"]),
        // The scheduling ILP and window search on top of the core and the MILP layer.
        .target(name: "PipeSchedILP", dependencies: ["PipeSched", "LinearProgramming"]),
        // The command-line tool: thin commands that read files and call the library.
        .executableTarget(
            name: "pipesched",
            dependencies: [
                "PipeSched",
                "PipeSchedProfile",
                "PipeSchedExport",
                "PipeSchedILP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks of the heuristic search (`make bench-search`): Markdown tables for docs/benchmarks.md.
        .executableTarget(
            name: "pipesched-bench",
            dependencies: ["PipeSched", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Benchmarks of the exact methods (`make bench-ilp`); not part of the tool.
        .executableTarget(name: "pipesched-bench-ilp", dependencies: ["PipeSched", "PipeSchedILP", "LinearProgramming"]),
        .testTarget(name: "PipeSchedTests", dependencies: ["PipeSched"]),
        .testTarget(name: "PipeSchedExportTests", dependencies: ["PipeSched", "PipeSchedExport"],
                    exclude: ["Snapshots", "Fixtures"]),
        .testTarget(name: "LinearProgrammingTests", dependencies: ["LinearProgramming"]),
        .testTarget(name: "PipeSchedProfileTests", dependencies: ["PipeSchedProfile", "PipeSched"]),
        .testTarget(name: "PipeSchedILPTests", dependencies: ["PipeSchedILP", "PipeSched", "LinearProgramming"]),
    ]
)

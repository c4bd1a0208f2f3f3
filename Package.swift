// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PipeSched",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "PipeSched", targets: ["PipeSched"]),
        .library(name: "LinearProgramming", targets: ["LinearProgramming"]),
        .library(name: "PipeSchedILP", targets: ["PipeSchedILP"]),
        .executable(name: "pipesched", targets: ["pipesched"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        // The scheduling ILP and window search on top of the core and the MILP layer.
        .target(name: "PipeSchedILP", dependencies: ["PipeSched", "LinearProgramming"]),
        // The command-line tool: thin commands that read files and call the library.
        .executableTarget(
            name: "pipesched",
            dependencies: [
                "PipeSched",
                "PipeSchedILP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks of the exact methods (`make bench-ilp`); not part of the tool.
        .executableTarget(name: "pipesched-bench", dependencies: ["PipeSched", "PipeSchedILP", "LinearProgramming"]),
        .testTarget(name: "PipeSchedTests", dependencies: ["PipeSched"]),
        .testTarget(name: "LinearProgrammingTests", dependencies: ["LinearProgramming"]),
        .testTarget(name: "PipeSchedILPTests", dependencies: ["PipeSchedILP", "PipeSched", "LinearProgramming"]),
    ]
)

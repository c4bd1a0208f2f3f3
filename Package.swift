// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PipeSched",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "PipeSched", targets: ["PipeSched"]),
        .executable(name: "pipesched", targets: ["pipesched"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Core: problem model, simulator, validator, bounds, schedule families. No I/O, no C.
        .target(name: "PipeSched"),
        // The command-line tool: thin commands that read files and call the library.
        .executableTarget(
            name: "pipesched",
            dependencies: [
                "PipeSched",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PipeSchedTests", dependencies: ["PipeSched"]),
    ]
)

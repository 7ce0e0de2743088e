// swift-tools-version: 6.2

import PackageDescription

// Warnings become errors only when CI asks for it (GRAFOS_WARNINGS_AS_ERRORS=1), so packages that depend on
// Grafos never inherit the setting.
let swiftSettings: [SwiftSetting] =
    Context.environment["GRAFOS_WARNINGS_AS_ERRORS"] != nil
    ? [.treatAllWarnings(as: .error)]
    : []

let package = Package(
    name: "Grafos",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "GrafosObserve", targets: ["GrafosObserve"]),
        .library(name: "GrafosStd", targets: ["GrafosStd"]),
        .library(name: "GrafosLeaseKit", targets: ["GrafosLeaseKit"]),
        .library(name: "GrafosJobs", targets: ["GrafosJobs"]),
        .executable(name: "grafos", targets: ["grafos"]),
    ],
    targets: [
        .target(name: "GrafosObserve", swiftSettings: swiftSettings),
        .target(
            name: "GrafosStd",
            dependencies: ["GrafosObserve"],
            swiftSettings: swiftSettings
        ),
        .target(name: "GrafosLeaseKit", dependencies: ["GrafosStd", "GrafosObserve"], swiftSettings: swiftSettings),
        .target(
            name: "GrafosJobs",
            dependencies: ["GrafosStd", "GrafosLeaseKit", "GrafosObserve"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GrafosCLI",
            dependencies: ["GrafosStd", "GrafosJobs", "GrafosLeaseKit", "GrafosObserve"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "grafos", dependencies: ["GrafosCLI"], swiftSettings: swiftSettings),
        .testTarget(name: "GrafosObserveTests", dependencies: ["GrafosObserve"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GrafosStdTests",
            dependencies: ["GrafosStd", "GrafosObserve"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GrafosLeaseKitTests",
            dependencies: ["GrafosLeaseKit", "GrafosStd", "GrafosObserve"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GrafosJobsTests",
            dependencies: ["GrafosJobs", "GrafosLeaseKit", "GrafosStd", "GrafosObserve"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GrafosCLITests",
            dependencies: ["GrafosCLI", "GrafosStd"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

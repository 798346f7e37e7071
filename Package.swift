// swift-tools-version:6.0
// The hukou package: one executable over layered targets: I/O, core domain, drivers, stages.
import PackageDescription

let package = Package(
    name: "hukou",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hukou", targets: ["hukou"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System libraries: libxml2 (streaming XML reader) and glibc's iconv (GB18030).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "CShims"),
        // I/O: byte input, NDJSON codec, CSV, XML, text encodings, atomic output files.
        // The codec's hot loops run on class-owned buffers; dynamic exclusivity checks on those
        // accesses measured at ~16% of `hukou cat`, so they are off here (and only here).
        .target(
            name: "HukouIO",
            dependencies: ["CLibXML2", "CShims"],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        // Domain: records, the Stage protocol, ID numbers, code tables, and every stage.
        // Tables are vendored as generated Swift (scripts/vendor-tables.py), not bundle resources,
        // so the binary works wherever it is copied.
        .target(name: "HukouCore", dependencies: ["HukouIO"]),
        // Drivers: process mode and in-process pipelines, common options, exit codes.
        .target(
            name: "HukouDriver",
            dependencies: [
                "HukouCore", "HukouIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "Yams",
            ]
        ),
        // Stages: one file per stage (its logic and its command line), and the registry.
        .target(
            name: "HukouStages",
            dependencies: [
                "HukouCore", "HukouIO", "HukouDriver",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The match spec (`--spec FILE`) is YAML; the engine itself takes a parsed struct.
                "Yams",
            ]
        ),
        // The executable: the root command, `hukou run` and the tools.
        .executableTarget(
            name: "hukou",
            dependencies: [
                "HukouStages", "HukouDriver", "HukouCore", "HukouIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "HukouTests",
            dependencies: ["HukouCore", "HukouIO", "HukouDriver", "HukouStages"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

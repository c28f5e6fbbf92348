// swift-tools-version:5.9
// Haven's Swift bindings: the generated Swift (target `Haven`) over the Rust
// library's C interface (target `HavenFFI`).
//
// On Linux (the tests here) `HavenFFI` is a system library: the generated
// module map and headers in Sources/HavenFFI, linked against libhaven_ffi.so
// found through -L / rpath (see test.sh).
// On Apple platforms it is HavenFFI.xcframework, made by build-xcframework.sh
// on a Mac with Xcode (see README.md).
import PackageDescription

#if os(Linux)
let ffi: Target = .systemLibrary(name: "HavenFFI", path: "Sources/HavenFFI")
#else
let ffi: Target = .binaryTarget(name: "HavenFFI", path: "HavenFFI.xcframework")
#endif

let package = Package(
    name: "Haven",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Haven", targets: ["Haven"]),
    ],
    targets: [
        ffi,
        .target(name: "Haven", dependencies: ["HavenFFI"], path: "Sources/Haven"),
        .testTarget(name: "HavenTests", dependencies: ["Haven"], path: "Tests/HavenTests"),
    ]
)

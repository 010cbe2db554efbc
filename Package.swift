// swift-tools-version:6.0
import PackageDescription

// Layers, bottom to top (see docs/ARCHITECTURE.md):
//   CLua / CLuaShim -> LuaKit -> PureCloudLua -> pclua
//   PureCloud (no Lua) --------^
//   PureCloudEmulator (shares no code with PureCloud; it is written from the contract so each checks the other)
let package = Package(
    name: "pclua",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pclua", targets: ["pclua"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Debian's Lua 5.4 headers (/usr/include/lua5.4); the core itself is linked by CLuaShim.
        .systemLibrary(name: "CLua", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // libedit is opened by the terminal REPL when it starts (editline.c), not linked: its
        // headers come from libedit-dev, the library itself from libedit2.
        .target(name: "CEditLine"),
        // Lua's memory comes from mimalloc (Debian's libmimalloc-dev): see state.c and docs/benchmarks.md.
        // The Lua core is linked in from Debian's liblua5.4.a, as Debian's lua5.4 links it: the shared
        // library's position-independent interpreter loop cost 10 to 20 % on calls and strings
        // (docs/benchmarks.md). The pclua executable exports the API for C modules (see there).
        .target(
            name: "CLuaShim", dependencies: ["CLua"],
            linkerSettings: [
                .linkedLibrary("mimalloc"),
                .unsafeFlags(["-Xlinker", "--push-state", "-Xlinker", "-Bstatic", "-Xlinker", "-llua5.4", "-Xlinker", "--pop-state"]),
            ]),
        // The only Swift target that imports the Lua C API (LuaSealTests checks every source file).
        .target(name: "LuaKit", dependencies: ["CLua", "CLuaShim"]),
        // pclua's own Lua files (PureCloudLua/prelude.lua, LuaREPL/printer.lua), compiled in: see embedded.c.
        .target(name: "EmbeddedLua"),
        .target(
            name: "PureCloud",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]),
        .target(
            name: "PureCloudLua",
            dependencies: ["LuaKit", "PureCloud", "EmbeddedLua", .product(name: "CSV", package: "CSV.swift")],
            exclude: ["prelude.lua"]),
        .target(
            name: "PureCloudEmulator",
            dependencies: [
                "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .target(
            name: "LuaREPL", dependencies: ["CEditLine", "LuaKit", "PureCloud", "PureCloudLua", "EmbeddedLua"],
            exclude: ["printer.lua"]),
        .executableTarget(
            name: "pclua",
            dependencies: [
                "LuaKit", "PureCloud", "PureCloudLua", "PureCloudEmulator", "LuaREPL",
            ],
            exclude: ["exports.map"],
            // Lua C modules (lpeg, cjson) find the Lua API in the executable, as under lua5.4; the
            // version script exports that API and nothing else. A release build is not
            // position-independent: the static standard library's ~126,000 pointers are then fixed
            // at link time instead of relocated, page by page, at every start (docs/benchmarks.md).
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--export-dynamic", "-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/pclua/exports.map"]),
                .unsafeFlags(["-Xclang-linker", "-no-pie"], .when(configuration: .release)),
            ]),
        .target(name: "EmulatorTestSupport", dependencies: ["PureCloudEmulator"], path: "Tests/EmulatorTestSupport"),
        .testTarget(name: "LuaKitTests", dependencies: ["LuaKit", "CLua", "CLuaShim"]),  // tests of the boundary itself
        .testTarget(
            name: "PureCloudTests",
            dependencies: [
                "PureCloud", "PureCloudEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .testTarget(name: "PureCloudLuaTests", dependencies: ["PureCloudLua", "LuaKit", "PureCloud", "PureCloudEmulator", "EmulatorTestSupport"]),
        .testTarget(
            name: "PureCloudEmulatorTests",
            dependencies: [
                "PureCloudEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .testTarget(name: "EndToEndTests", dependencies: ["PureCloud", "PureCloudEmulator", "EmulatorTestSupport"]),
    ]
)

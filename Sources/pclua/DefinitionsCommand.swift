import Foundation
import PureCloud
import PureCloudLua

/// `pclua definitions --out DIR`: what an editor and luacheck need to know of the `purecloud`
/// module, written from the declared surface (docs/editors.md).
struct DefinitionsCommand {
    static let subcommand = Subcommand(
        command: .definitions, usage: "pclua definitions --out <dir> [--force]",
        abstract: "Write the purecloud module's definitions for editors (Lua Language Server) and luacheck.",
        discussion: "Writes DIR/purecloud.d.lua (---@meta: every API, operation, option, model, helper and setting, with its help) and DIR/.luacheckrc (std = \"lua54+pclua\": purecloud and its fields, arg, help). A .luacheckrc that pclua did not write is left alone unless --force. Exit status 0, or 2 when DIR cannot be written. See docs/editors.md.",
        run: { flags in try DefinitionsCommand(flags).run() })

    let out: String
    let force: Bool

    init(_ flags: CommandFlags) {
        out = flags.text(.definitionsOut) ?? ""  // required: the parser checked
        force = flags.isOn(.replaceLuacheckrc)
    }

    static let marker = "-- luacheck's configuration for pclua scripts"

    func run() throws {
        let version = PurecloudVersion.current
        let luacheckPath = (out as NSString).appendingPathComponent(".luacheckrc")
        let definitionsPath = (out as NSString).appendingPathComponent("purecloud.d.lua")
        do {
            try Self.makeFolder(out)
            if !force, let existing = FileManager.default.contents(atPath: luacheckPath),
               !String(decoding: existing.prefix(200), as: UTF8.self).hasPrefix(Self.marker) {
                printError("pclua definitions: \(luacheckPath) exists and was not written by pclua; nothing was written (--force replaces it)")
                throw ExitCode(ExitStatus.usage)
            }
            try AtomicFile.write(Array(EditorDefinitions.languageServer(version: version).utf8), to: definitionsPath, mode: 0o644)
            try AtomicFile.write(Array(EditorDefinitions.luacheck(version: version).utf8), to: luacheckPath, mode: 0o644)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("pclua definitions: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        emit("pclua definitions: wrote \(definitionsPath) and \(luacheckPath)")
    }

    /// `mkdir -p`, with the system's reason when a part cannot be made ("Not a directory").
    static func makeFolder(_ path: String) throws {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o755) != 0 && errno != EEXIST {
                throw ConfigurationError("cannot make the folder \(built): \(String(cString: strerror(errno)))")
            }
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ConfigurationError("\(path) is not a folder")
        }
    }
}

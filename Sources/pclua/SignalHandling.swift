import Dispatch
import Foundation
import LuaKit
import PureCloudLua
import Synchronization

/// Ctrl-C and SIGTERM while a script runs, as lua.c handles Ctrl-C: the C handler (CLuaShim's
/// host.c) only sets the interrupt hook, so Lua code stops at its next instruction, and puts the
/// default action back, so a second signal ends the process even inside a long C call. A blocked
/// read returns (no SA_RESTART) and io.read reports it. The handler also writes the signal to a
/// pipe; a dispatch source reading it cancels the HTTP requests in flight (which signal context
/// may not do). The source starts with the run's first request: a run that makes none never
/// starts dispatch's machinery for it (docs/benchmarks.md, figure 8), and a signal before then
/// has nothing in flight to cancel; the bytes it left are read when the source starts.
final class SignalHandling: Sendable {
    private let bridge: BlockingBridge
    /// The REPL handles SIGINT itself (it cancels the call, not the session).
    private let watchesInterrupt: Bool
    private let watcher = Mutex<Watcher?>(nil)

    private enum Watcher: @unchecked Sendable {  // dispatch sources are thread-safe, not Sendable
        /// The handler writes to the pipe; nobody reads it yet.
        case waiting(read: Int32, write: Int32)
        case reading(any DispatchSourceRead)  // its cancel handler closes the pipe
    }

    /// In lua.c's plain REPL a Ctrl-C stops the line and the session goes on: it cancels the
    /// call in flight only. Elsewhere any signal cancels every call from then on.
    private let interruptKeepsSession: Bool

    init(bridge: BlockingBridge, interactive: Bool, interruptKeepsSession: Bool = false) {
        self.bridge = bridge
        watchesInterrupt = !interactive
        self.interruptKeepsSession = interruptKeepsSession
    }

    /// Called on the Lua thread once the state exists: that thread takes the signals.
    func watch(_ state: LuaState) {
        guard let pipe = LuaHost.makeNotifyPipe() else {
            LuaHost.watchSignals(state, notify: -1, interrupt: watchesInterrupt)
            return
        }
        watcher.withLock { $0 = .waiting(read: pipe.read, write: pipe.write) }
        bridge.beforeFirstCall { [self] in startReading() }
        LuaHost.watchSignals(state, notify: pipe.write, interrupt: watchesInterrupt)
    }

    /// Reads what the handler wrote: whether only Ctrl-Cs came (nil: nothing).
    private static func drain(_ readEnd: Int32) -> Bool? {
        var byte: UInt8 = 0
        var onlyInterrupts: Bool?
        while read(readEnd, &byte, 1) == 1 { onlyInterrupts = (onlyInterrupts ?? true) && byte == UInt8(SIGINT) }
        return onlyInterrupts
    }

    private func startReading() {
        let bridge = self.bridge
        let interruptKeepsSession = self.interruptKeepsSession
        watcher.withLock { current in
            guard case .waiting(let readEnd, let writeEnd)? = current else { return }
            // A signal before this first call: in the plain REPL a Ctrl-C stopped its own line,
            // which has ended; any other signal still cancels every call from now on.
            if let onlyInterrupts = Self.drain(readEnd), !(interruptKeepsSession && onlyInterrupts) { bridge.cancelAll() }
            let source = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: .global())
            source.setEventHandler {
                guard let onlyInterrupts = Self.drain(readEnd) else { return }
                if interruptKeepsSession && onlyInterrupts { bridge.cancelCurrent() } else { bridge.cancelAll() }
            }
            source.setCancelHandler {
                close(readEnd)
                close(writeEnd)
            }
            source.resume()
            current = .reading(source)
        }
    }

    /// Called on the Lua thread before the state closes.
    func stop() {
        LuaHost.unwatchSignals()
        watcher.withLock { current in
            switch current {
            case .reading(let source)?: source.cancel()
            case .waiting(let readEnd, let writeEnd)?:
                close(readEnd)
                close(writeEnd)
            case nil: break
            }
            current = nil
        }
    }
}

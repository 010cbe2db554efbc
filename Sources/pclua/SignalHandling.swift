import Dispatch
import Foundation
import LuaKit
import PureCloudLua
import Synchronization

/// Ctrl-C and SIGTERM while a script runs, as lua.c handles Ctrl-C: the C handler (CLuaShim's
/// host.c) only sets the interrupt hook, so Lua code stops at its next instruction, and puts the
/// default action back, so a second signal ends the process even inside a long C call. A blocked
/// read returns (no SA_RESTART) and io.read reports it. The handler also writes the signal to a
/// pipe; a dispatch source reading it cancels the HTTP request in flight (which signal context
/// may not do).
final class SignalHandling: Sendable {
    private let bridge: BlockingBridge
    /// The REPL handles SIGINT itself (it cancels the call, not the session).
    private let watchesInterrupt: Bool
    private let watcher = Mutex<Watcher?>(nil)

    private struct Watcher: @unchecked Sendable {  // dispatch sources are thread-safe, not Sendable
        let source: any DispatchSourceRead  // its cancel handler closes the pipe
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
        let fds = [pipe.read, pipe.write]
        let source = DispatchSource.makeReadSource(fileDescriptor: fds[0], queue: .global())
        let bridge = self.bridge
        let readEnd = fds[0]
        let interruptKeepsSession = self.interruptKeepsSession
        source.setEventHandler {
            var byte: UInt8 = 0
            var onlyInterrupts = true
            while read(readEnd, &byte, 1) == 1 { onlyInterrupts = onlyInterrupts && byte == UInt8(SIGINT) }
            if interruptKeepsSession && onlyInterrupts { bridge.cancelCurrent() } else { bridge.cancelAll() }
        }
        source.setCancelHandler {
            close(fds[0])
            close(fds[1])
        }
        source.resume()
        watcher.withLock { $0 = Watcher(source: source) }
        LuaHost.watchSignals(state, notify: fds[1], interrupt: watchesInterrupt)
    }

    /// Called on the Lua thread before the state closes.
    func stop() {
        LuaHost.unwatchSignals()
        watcher.withLock { current in
            current?.source.cancel()
            current = nil
        }
    }
}

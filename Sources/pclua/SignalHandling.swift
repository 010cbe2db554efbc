import Dispatch
import Foundation
import LuaKit
import PureCloudLua
import Synchronization

/// Ctrl-C and SIGTERM while a script runs: stop the Lua code at its next instruction and cancel
/// the HTTP request in flight, so the run ends promptly with the interrupted status. The handlers
/// run on a dispatch queue, not in signal context, so they may cancel tasks.
final class SignalHandling: Sendable {
    private let bridge: BlockingBridge
    private let state = Mutex<LuaInterruptTarget?>(nil)
    private let sources = Mutex<[any DispatchSourceSignal]>([])

    init(bridge: BlockingBridge, interactive: Bool) {
        self.bridge = bridge
        signals = interactive ? [SIGTERM] : [SIGINT, SIGTERM]
    }

    /// The REPL handles SIGINT itself (it cancels the call, not the session).
    let signals: [Int32]

    /// Called on the Lua thread once the state exists.
    func watch(_ target: LuaInterruptTarget) {
        state.withLock { $0 = target }
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                bridge.cancelAll()
                state.withLock { $0?.interrupt() }
            }
            source.resume()
            let box = UnsafeSendableSource(source: source)
            sources.withLock { $0.append(box.source) }
        }
    }

    func stop() {
        sources.withLock { list in
            list.forEach { $0.cancel() }
            list.removeAll()
        }
        state.withLock { $0 = nil }
    }
}

/// Dispatch sources are thread-safe but not marked Sendable.
private struct UnsafeSendableSource: @unchecked Sendable {
    let source: any DispatchSourceSignal
}

import Dispatch
import PureCloudEmulator

/// Starts and stops an in-process emulator from XCTest's synchronous class set-up and tear-down
/// (which run on the main thread, so blocking there while the server starts is fine).
public enum ClassEmulator {
    public static func start(_ configure: (inout EmulatorConfiguration) -> Void) -> (PureCloudEmulator, RunningEmulator) {
        var configuration = EmulatorConfiguration()
        configuration.rateLimit = 0
        configure(&configuration)
        let emulator = try! PureCloudEmulator(configuration: configuration)
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.running = try! await emulator.start()
            done.signal()
        }
        done.wait()
        return (emulator, box.running!)
    }

    public static func stop(_ running: RunningEmulator?) {
        guard let running else { return }
        let done = DispatchSemaphore(value: 0)
        Task {
            await running.stop()
            done.signal()
        }
        done.wait()
    }

    private final class Box: @unchecked Sendable {  // written once by the task, read after the semaphore
        var running: RunningEmulator?
    }
}

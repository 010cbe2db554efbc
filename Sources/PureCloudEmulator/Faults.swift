import Synchronization

/// Reproducible fault injection: the same seed gives the same sequence of faults for the same
/// sequence of requests.
final class FaultInjector: Sendable {
    enum Fault: Equatable {
        case none
        /// Answer with this status; `afterWork` means the request was carried out first, as when a
        /// gateway times out after the service acted (502/504 only: 503 means it was never served).
        case status(Int, afterWork: Bool)
        case drop(afterWork: Bool)
    }

    private let rng: Mutex<SplitMix64>
    let faultRate: Double
    let dropRate: Double

    init(seed: UInt64, faultRate: Double, dropRate: Double) {
        rng = Mutex(SplitMix64(seed: seed))
        self.faultRate = faultRate
        self.dropRate = dropRate
    }

    var enabled: Bool { faultRate > 0 || dropRate > 0 }

    func next() -> Fault {
        guard enabled else { return .none }
        return rng.withLock { rng in
            let roll = rng.nextUnit()
            let after = rng.nextUnit() < 0.5
            if roll < dropRate { return .drop(afterWork: after) }
            if roll < dropRate + faultRate {
                let status = [502, 503, 504][Int(rng.next() % 3)]
                return .status(status, afterWork: status != 503 && after)
            }
            return .none
        }
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64).
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}

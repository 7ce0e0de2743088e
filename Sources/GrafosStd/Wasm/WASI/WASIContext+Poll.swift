/// `poll_oneoff`: clock subscriptions (sleeps) and readiness of descriptors.
extension WASIContext {
    /// One event to report.
    private struct PollEvent {
        var userdata: UInt64
        var error: WASIErrno
        var type: WASIABI.EventType
        var bytes: UInt64 = 0
        var flags: UInt16 = 0
    }

    /// `poll_oneoff(in: *subscription, out: *event, nsubscriptions, nevents: *size)`.
    ///
    /// Descriptors are always ready: an `fd_read` subscription reports the bytes left to read (stdin sets the
    /// `hangup` flag once the input is used up), `fd_write` reports 0 bytes; a descriptor that is not open gets an
    /// event with error `EBADF`, a directory one with `EISDIR`. When no descriptor event is reported, the call
    /// sleeps until the earliest clock subscription's deadline (relative, or absolute with
    /// `subscription_clock_abstime`) — in virtual time, by moving the clock there, which costs nothing — and
    /// reports every clock subscription that is due. An unknown clock gives its event error `EINVAL`.
    /// No subscriptions, or an unknown subscription tag, is `EINVAL`.
    package func pollOneoff(
        subscriptions: UInt32,
        events: UInt32,
        count: UInt32,
        resultPointer: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        try syscall {
            guard count > 0 else { throw WASIErrno.inval }
            _ = try memory.offset(subscriptions, count: Int(count) * Int(WASIABI.Layout.subscriptionSize))
            _ = try memory.offset(events, count: Int(count) * Int(WASIABI.Layout.eventSize))
            _ = try memory.offset(resultPointer, count: 4)

            var ready: [PollEvent] = []
            var clocks: [(userdata: UInt64, clock: WASIABI.ClockID, deadline: UInt64)] = []
            for index in 0..<count {
                let base = subscriptions &+ index &* WASIABI.Layout.subscriptionSize
                let userdata = try memory.load(UInt64.self, at: base)
                let tag = try memory.load(UInt8.self, at: base &+ 8)
                switch WASIABI.EventType(rawValue: tag) {
                case .clock:
                    let id = try memory.load(UInt32.self, at: base &+ 16)
                    let timeout = try memory.load(UInt64.self, at: base &+ 24)
                    let flags = try memory.load(UInt16.self, at: base &+ 40)
                    guard let clock = WASIABI.ClockID(rawValue: id) else {
                        ready.append(PollEvent(userdata: userdata, error: .inval, type: .clock))
                        continue
                    }
                    let isAbsolute = flags & WASIABI.subscriptionClockAbstime != 0
                    let deadline = isAbsolute ? timeout : Self.saturatingAdd(self.clock.now(clock), timeout)
                    clocks.append((userdata, clock, deadline))
                case .fdRead, .fdWrite:
                    let type = WASIABI.EventType(rawValue: tag)!
                    let fd = try memory.load(UInt32.self, at: base &+ 16)
                    ready.append(readiness(of: fd, for: type, userdata: userdata))
                case nil:
                    throw WASIErrno.inval
                }
            }

            var waitedFor: Int?
            if ready.isEmpty, let earliest = clocks.indices.min(by: { remaining(clocks[$0]) < remaining(clocks[$1]) }) {
                try clock.sleep(until: clocks[earliest].deadline, on: clocks[earliest].clock)
                waitedFor = earliest
            }
            for (index, subscription) in clocks.enumerated()
            where index == waitedFor || clock.now(subscription.clock) >= subscription.deadline {
                ready.append(PollEvent(userdata: subscription.userdata, error: .success, type: .clock))
            }

            for (index, event) in ready.enumerated() {
                let base = events &+ UInt32(index) &* WASIABI.Layout.eventSize
                try memory.zero(at: base, count: WASIABI.Layout.eventSize)
                try memory.store(event.userdata, at: base)
                try memory.store(event.error.rawValue, at: base &+ 8)
                try memory.store(event.type.rawValue, at: base &+ 10)
                try memory.store(event.bytes, at: base &+ 16)
                try memory.store(event.flags, at: base &+ 24)
            }
            try memory.store(UInt32(ready.count), at: resultPointer)
        }
    }

    /// How long until a clock subscription is due.
    private func remaining(_ subscription: (userdata: UInt64, clock: WASIABI.ClockID, deadline: UInt64)) -> UInt64 {
        let now = clock.now(subscription.clock)
        return subscription.deadline > now ? subscription.deadline - now : 0
    }

    /// `a + b`, or `UInt64.max` when it overflows.
    private static func saturatingAdd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    /// The event for an `fd_read`/`fd_write` subscription on `fd`.
    private func readiness(of fd: UInt32, for type: WASIABI.EventType, userdata: UInt64) -> PollEvent {
        var event = PollEvent(userdata: userdata, error: .success, type: type)
        guard Int(fd) < descriptors.count, let descriptor = descriptors[Int(fd)] else {
            event.error = .badf
            return event
        }
        switch descriptor.kind {
        case .directory:
            event.error = .isdir
        case .stdin:
            if type == .fdRead {
                event.bytes = UInt64(configuration.stdin.count - stdinOffset)
                if stdinOffset >= configuration.stdin.count { event.flags = WASIABI.eventFdReadwriteHangup }
            }
        case .file(let file):
            if type == .fdRead, let size = try? file.size(), size > descriptor.position {
                event.bytes = size - descriptor.position
            }
        case .stdout, .stderr:
            break
        }
        return event
    }
}

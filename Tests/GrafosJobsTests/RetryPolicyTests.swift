import GrafosJobs
import GrafosStd
import Testing

@Suite struct RetryPolicyTests {
    @Test func thePinnedSpellingConfiguresRetriesAndBackoff() {
        let policy = RetryPolicy.default.withMaxRetries(3).withBackoff(.exponential(initialMs: 100, maxMs: 5000))
        #expect(policy.maxRetries == 3)
        #expect(policy.backoff == Backoff(initial: .milliseconds(100), maximum: .seconds(5), jitter: .full))
        #expect(RetryPolicy.none.maxRetries == 0)
    }

    @Test func theDefaultPolicyRetriesOnlyTheRetryableFabricErrors() {
        let policy = RetryPolicy.default
        for code in [FabricError.Code.disconnected, .leaseExpired, .insufficientCapacity, .transient, .timeout] {
            #expect(policy.classify(FabricError(code)) == .retryable, "\(code)")
        }
        for code in [FabricError.Code.outputTooLarge, .invalidRequest, .noMatchingNode, .leaseReleased, .notFound] {
            #expect(policy.classify(FabricError(code)) == .deterministic, "\(code)")
        }
        #expect(policy.classify(TaskletExitError(exitCode: 1)) == .deterministic)
        #expect(policy.classify(CancellationError()) == .deterministic)
    }

    @Test func codesAndAClassifierOverrideTheClassification() {
        let policy = RetryPolicy.default
            .notRetrying(.insufficientCapacity)
            .retrying(.noMatchingNode)
            .withClassifier { error in (error as? TaskletExitError)?.exitCode == 75 ? .retryable : nil }
        #expect(policy.classify(FabricError.insufficientCapacity) == .deterministic)
        #expect(policy.classify(FabricError.noMatchingNode) == .retryable)
        #expect(policy.classify(TaskletExitError(exitCode: 75)) == .retryable)
        #expect(policy.classify(TaskletExitError(exitCode: 1)) == .deterministic)
    }

    @Test func aRetryBudgetRefusesRetriesOnceSpentAndRefillsOnSuccess() throws {
        let bucket = try #require(RetryBudgetBucket(RetryBudget(capacity: 2, refillPerSuccess: 0.5)))
        #expect(bucket.withdraw())
        #expect(bucket.withdraw())
        #expect(!bucket.withdraw())
        bucket.deposit()
        #expect(!bucket.withdraw())
        bucket.deposit()
        #expect(bucket.withdraw())
        for _ in 0..<10 { bucket.deposit() }
        #expect(bucket.level == 2)
        #expect(RetryBudgetBucket(.unlimited) == nil)
    }

    @Test func requireSuccessThrowsForANonZeroExit() throws {
        #expect(try TaskletResult(output: [1]).requireSuccess().output == [1])
        #expect(throws: TaskletExitError(exitCode: 3, stderr: Array("boom".utf8))) {
            try TaskletResult(output: [], stderr: Array("boom".utf8), exitCode: 3).requireSuccess()
        }
    }
}

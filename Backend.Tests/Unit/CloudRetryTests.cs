using Microsoft.Extensions.Logging.Abstractions;
using RoleplayHub.Resilience;

namespace RoleplayHub.Tests.Unit;

public sealed class CloudRetryTests
{
    private static readonly Func<Exception, bool> TimeoutsAreTransient = e => e is TimeoutException;

    [Fact]
    public async Task ATransientFailureIsTriedAgainUntilTheAttemptsRunOut()
    {
        var pipeline = CloudRetry.Create("test call", attempts: 3, TimeoutsAreTransient, TimeProvider.System, NullLogger.Instance);
        var calls = 0;

        var error = await Assert.ThrowsAsync<TimeoutException>(() => pipeline.ExecuteAsync("Session s1", _ =>
        {
            calls++;
            return Task.FromException<int>(new TimeoutException($"try {calls}"));
        }, CancellationToken.None));

        Assert.Equal(3, calls);
        Assert.Equal("try 3", error.Message);
    }

    [Fact]
    public async Task ACallThatRecoversReturnsItsResult()
    {
        var pipeline = CloudRetry.Create("test call", attempts: 3, TimeoutsAreTransient, TimeProvider.System, NullLogger.Instance);
        var calls = 0;

        var result = await pipeline.ExecuteAsync("Session s1", _ => ++calls < 2 ? Task.FromException<int>(new TimeoutException()) : Task.FromResult(42), CancellationToken.None);

        Assert.Equal((42, 2), (result, calls));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public async Task APermanentFailureOrASingleAttemptIsNotTriedAgain(int attempts)
    {
        var pipeline = CloudRetry.Create("test call", attempts, TimeoutsAreTransient, TimeProvider.System, NullLogger.Instance);
        var calls = 0;
        Exception failure = attempts == 1 ? new TimeoutException() : new InvalidOperationException();

        await Assert.ThrowsAsync(failure.GetType(), () => pipeline.ExecuteAsync("Session s1", _ =>
        {
            calls++;
            return Task.FromException<int>(failure);
        }, CancellationToken.None));

        Assert.Equal(1, calls);
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>Keeps every message of one log category (e.g. the audit trail) as "category[event id]: message".</summary>
public sealed class ListLoggerProvider(string category) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => [.. _messages];

    public ILogger CreateLogger(string categoryName) => categoryName == category ? new Sink(this, categoryName) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Sink(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._messages.Enqueue($"{category}[{eventId.Id}]: {formatter(state, exception)}");
    }
}

using System.Text.Json;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>One server → client event as a test reads it: the wire name and its payload as JSON, whatever the
/// protocol carried it.</summary>
public sealed record HubEvent(string Name, JsonElement Payload);

/// <summary>
/// What arrived on one hub connection, in arrival order, and how the connection ended. Tests assert on the whole
/// sequence (<see cref="Events"/>) or wait for the first event that matches (<see cref="WaitForAsync"/>).
/// </summary>
public sealed class HubEventLog
{
    private readonly Lock _gate = new();
    private readonly List<HubEvent> _events = [];
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Completed (and replaced) on every arrival and on the close, so a waiter wakes and looks again.
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Set when the connection ended (the server closed it, or the network dropped); null while open.</summary>
    public string? ClosedReason { get; private set; }

    public IReadOnlyList<HubEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public void Add(HubEvent arrived) => Signal(() => _events.Add(arrived));

    public void Close(string reason)
    {
        Signal(() => ClosedReason ??= reason);
        _ended.TrySetResult(ClosedReason!);
    }

    /// <summary>Completes with <see cref="ClosedReason"/> once the connection has ended.</summary>
    public Task<string> EndedAsync(TimeSpan timeout) => _ended.Task.WaitAsync(timeout);

    public IReadOnlyList<JsonElement> Named(string name) => Events.Where(e => e.Name == name).Select(e => e.Payload).ToList();

    /// <summary>The first event named <paramref name="name"/> (already received or still to come) that matches. Fails at
    /// once when the connection has ended without one: nothing more can arrive.</summary>
    public async Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool>? match, TimeSpan timeout)
    {
        match ??= static _ => true;
        using var deadline = new CancellationTokenSource(timeout);
        var seen = 0;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (; seen < _events.Count; seen++)
                {
                    if (_events[seen].Name == name && match(_events[seen].Payload))
                    {
                        return _events[seen].Payload;
                    }
                }

                if (ClosedReason is not null)
                {
                    throw new InvalidOperationException($"The connection ended ({ClosedReason}) before a matching '{name}' event. Events: [{Summary()}]");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"No matching '{name}' event arrived within {timeout.TotalSeconds:0} s. Events: [{Summary()}]");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Signal(Action change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = NewSignal();
        }

        changed.SetResult();
    }

    /// <summary>Event names in order, with the code of each error: what a failed wait reports.</summary>
    private string Summary() => string.Join(", ", Events.Select(e =>
        e.Name == "error" && e.Payload.TryGetProperty("code", out var code) ? $"error({code})" : e.Name));
}

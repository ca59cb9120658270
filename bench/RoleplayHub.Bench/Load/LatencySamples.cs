namespace RoleplayHub.Bench.Load;

/// <summary>Thread-safe latency samples with percentiles; samples added after <see cref="Close"/> are not kept.</summary>
internal sealed class LatencySamples(int capacity = 1 << 16)
{
    private readonly List<double> _values = new(capacity);
    private bool _closed;

    public int Count
    {
        get
        {
            lock (_values)
            {
                return _values.Count;
            }
        }
    }

    public void Add(double milliseconds)
    {
        lock (_values)
        {
            if (!_closed)
            {
                _values.Add(milliseconds);
            }
        }
    }

    /// <summary>Ends the measured window: later samples are dropped.</summary>
    public void Close()
    {
        lock (_values)
        {
            _closed = true;
        }
    }

    public (int N, double P50, double P90, double P95, double P99, double Max) Summary()
    {
        double[] sorted;
        lock (_values)
        {
            sorted = [.. _values];
        }

        Array.Sort(sorted);
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return (sorted.Length, At(0.5), At(0.9), At(0.95), At(0.99), sorted.Length == 0 ? double.NaN : sorted[^1]);
    }
}

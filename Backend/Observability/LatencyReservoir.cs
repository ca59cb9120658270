namespace RoleplayHub.Observability;

/// <summary>
/// The last <see cref="Capacity"/> samples of a latency, for percentiles on <c>/api/stats</c> (the meter's histograms
/// need an external collector to give percentiles). Writes are lock-free; reads copy and sort.
/// </summary>
public sealed class LatencyReservoir
{
    public const int Capacity = 8_192;

    private readonly double[] _samples = new double[Capacity];
    private long _count;

    public void Add(double value)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        _samples[index % Capacity] = value;
    }

    public LatencySummary Summarize()
    {
        var count = (int)Math.Min(Interlocked.Read(ref _count), Capacity);
        if (count == 0)
        {
            return new LatencySummary(0, 0, 0, 0);
        }

        var copy = _samples.AsSpan(0, count).ToArray();
        Array.Sort(copy);
        return new LatencySummary(Interlocked.Read(ref _count), At(copy, 0.5), At(copy, 0.99), copy[^1]);
    }

    private static double At(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}

public readonly record struct LatencySummary(long Samples, double P50, double P99, double Max);

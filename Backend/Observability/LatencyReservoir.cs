using System.Buffers;

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

    /// <summary>Percentiles of the retained samples, or only of those recorded after the first
    /// <paramref name="since"/> (a <see cref="LatencySummary.Samples"/> read earlier: a benchmark's own window).</summary>
    public LatencySummary Summarize(long since = 0)
    {
        var total = Interlocked.Read(ref _count);
        var from = Math.Max(Math.Max(0, since), total - Capacity);
        var count = (int)Math.Max(0, total - from);
        if (count == 0)
        {
            return new LatencySummary(total, 0, 0, 0);
        }

        // Rented: a benchmark polls the stats every second while it measures, and a fresh copy was garbage each time.
        var rented = ArrayPool<double>.Shared.Rent(count);
        try
        {
            var copy = rented.AsSpan(0, count);
            for (var i = 0; i < count; i++)
            {
                copy[i] = _samples[(from + i) % Capacity];
            }

            copy.Sort();
            return new LatencySummary(total, At(copy, 0.5), At(copy, 0.99), copy[^1]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    private static double At(ReadOnlySpan<double> sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}

public readonly record struct LatencySummary(long Samples, double P50, double P99, double Max);

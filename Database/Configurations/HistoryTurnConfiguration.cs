using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.Database.Configurations;

/// <summary>
/// The <c>turns</c> table: one row per completed turn, unique per (session, turn) so a write retried after an
/// uncertain failure cannot duplicate it. Words and spoken segments are JSON in the row: they are only ever read
/// with their turn, and one row per turn keeps each turn a single atomic insert.
/// </summary>
public sealed class HistoryTurnConfiguration : IEntityTypeConfiguration<HistoryTurn>
{
    public void Configure(EntityTypeBuilder<HistoryTurn> builder)
    {
        builder.ToTable("turns");
        builder.HasKey(t => t.Id);
        builder.HasOne(t => t.Session)
            .WithMany(s => s.Turns)
            .HasForeignKey(t => t.SessionKey)
            .HasPrincipalKey(s => s.Key)
            .OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.SessionKey, t.Index }).IsUnique();

        builder.Property(t => t.UserAudioKey).HasMaxLength(256);

        builder.ComplexCollection(t => t.Words, words =>
        {
            words.ToJson("words");
            words.Property(w => w.Word).HasJsonPropertyName("word");
            words.Property(w => w.StartMs).HasJsonPropertyName("startMs");
            words.Property(w => w.EndMs).HasJsonPropertyName("endMs");
        });

        builder.ComplexCollection(t => t.AvatarSegments, segments =>
        {
            segments.ToJson("avatar_segments");
            segments.Property(s => s.Segment).HasJsonPropertyName("segment");
            segments.Property(s => s.Text).HasJsonPropertyName("text");
            segments.Property(s => s.AudioKey).HasJsonPropertyName("audioKey");
            segments.Property(s => s.VideoUrl).HasJsonPropertyName("videoUrl");
            segments.Property(s => s.DurationMs).HasJsonPropertyName("durationMs");
            segments.Property(s => s.MimeType).HasJsonPropertyName("mimeType");
        });
    }
}

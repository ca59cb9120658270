using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.Database.Configurations;

/// <summary>
/// The <c>sessions</c> table. Lengths bound only values the service itself validates (ids, codes); text a person
/// typed or said is never length-limited, so no write can be refused for being long. The indexes serve the admin
/// filters, each ending in the (started_at, id) keyset order.
/// </summary>
public sealed class HistorySessionConfiguration : IEntityTypeConfiguration<HistorySession>
{
    private static readonly ValueConverter<SessionStatus, string> StatusConverter = new(
        status => status == SessionStatus.Active ? "active" : "ended",
        value => value == "active" ? SessionStatus.Active : SessionStatus.Ended);

    public void Configure(EntityTypeBuilder<HistorySession> builder)
    {
        builder.ToTable("sessions");
        builder.HasKey(s => s.Id);
        builder.HasAlternateKey(s => s.Key);

        builder.Property(s => s.SessionId).HasMaxLength(64);
        builder.Property(s => s.UserId).HasMaxLength(450);
        builder.Property(s => s.ScenarioId).HasMaxLength(128);
        builder.Property(s => s.PersonaName).HasMaxLength(256);
        builder.Property(s => s.Language).HasMaxLength(35);
        builder.Property(s => s.AudioFormat).HasMaxLength(16);
        builder.Property(s => s.ModelProfile).HasMaxLength(128);
        builder.Property(s => s.Status).HasConversion(StatusConverter).HasMaxLength(16);
        builder.Property(s => s.EndReason).HasMaxLength(32);
        builder.Property(s => s.Node).HasMaxLength(128);
        builder.Property(s => s.ResumeSettings).HasMaxLength(1024);

        builder.HasIndex(s => new { s.StartedAt, s.Id });
        builder.HasIndex(s => new { s.UserId, s.StartedAt, s.Id });
        builder.HasIndex(s => new { s.ScenarioId, s.StartedAt, s.Id });
        builder.HasIndex(s => new { s.Status, s.StartedAt, s.Id });
        builder.HasIndex(s => s.SessionId);
        builder.HasIndex(s => new { s.Node, s.Status });
    }
}

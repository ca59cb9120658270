using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RoleplayHub.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TurnLatencyMilestones : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "first_audio_ms",
                table: "turns",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "first_token_ms",
                table: "turns",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "transcript_ms",
                table: "turns",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "first_audio_ms",
                table: "turns");

            migrationBuilder.DropColumn(
                name: "first_token_ms",
                table: "turns");

            migrationBuilder.DropColumn(
                name: "transcript_ms",
                table: "turns");
        }
    }
}

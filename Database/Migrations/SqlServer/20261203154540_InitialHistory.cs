using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RoleplayHub.Database.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class InitialHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sessions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    key = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    session_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    scenario_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    persona_name = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    language = table.Column<string>(type: "nvarchar(35)", maxLength: 35, nullable: false),
                    audio_format = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    sample_rate = table.Column<int>(type: "int", nullable: true),
                    channels = table.Column<int>(type: "int", nullable: true),
                    model_profile = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    started_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ended_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    end_reason = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    total_turns = table.Column<int>(type: "int", nullable: false),
                    node = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sessions", x => x.id);
                    table.UniqueConstraint("ak_sessions_key", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "turns",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    session_key = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    index = table.Column<int>(type: "int", nullable: false),
                    user_text = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ai_text = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    user_audio_key = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    queue_ms = table.Column<int>(type: "int", nullable: true),
                    stt_ms = table.Column<int>(type: "int", nullable: true),
                    ai_ms = table.Column<int>(type: "int", nullable: true),
                    tts_ms = table.Column<int>(type: "int", nullable: true),
                    store_ms = table.Column<int>(type: "int", nullable: true),
                    total_ms = table.Column<int>(type: "int", nullable: true),
                    errors = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    error_count = table.Column<int>(type: "int", nullable: false),
                    started_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    completed_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    avatar_segments = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    words = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_turns", x => x.id);
                    table.ForeignKey(
                        name: "fk_turns_sessions",
                        column: x => x.session_key,
                        principalTable: "sessions",
                        principalColumn: "key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_node_status",
                table: "sessions",
                columns: new[] { "node", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_scenario_id_started_at_id",
                table: "sessions",
                columns: new[] { "scenario_id", "started_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_session_id",
                table: "sessions",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_started_at_id",
                table: "sessions",
                columns: new[] { "started_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_status_started_at_id",
                table: "sessions",
                columns: new[] { "status", "started_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_user_id_started_at_id",
                table: "sessions",
                columns: new[] { "user_id", "started_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_turns_session_key_index",
                table: "turns",
                columns: new[] { "session_key", "index" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "turns");

            migrationBuilder.DropTable(
                name: "sessions");
        }
    }
}

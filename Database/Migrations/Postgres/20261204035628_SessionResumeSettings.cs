using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RoleplayHub.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SessionResumeSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "resume_settings",
                table: "sessions",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "resume_settings",
                table: "sessions");
        }
    }
}

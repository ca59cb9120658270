using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RoleplayHub.Database.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class CoachingReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "report",
                table: "sessions",
                type: "nvarchar(max)",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "report",
                table: "sessions");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RoleplayHub.Database.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ReportScores : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "report_scores",
                table: "sessions",
                type: "nvarchar(max)",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "report_scores",
                table: "sessions");
        }
    }
}

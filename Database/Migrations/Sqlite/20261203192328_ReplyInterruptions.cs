using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RoleplayHub.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReplyInterruptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "interrupted",
                table: "turns",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "played_ms",
                table: "turns",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "interrupted",
                table: "turns");

            migrationBuilder.DropColumn(
                name: "played_ms",
                table: "turns");
        }
    }
}

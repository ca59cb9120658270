using System.Diagnostics;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// nginx (Debian's nginx-light, installed by <c>scripts/setup.sh test</c>) in front of service nodes, proxying as
/// <c>deploy/nginx.conf</c> does: WebSockets upgraded, Server-Sent Events and long polling unbuffered. Instead of that
/// file's sticky hash, every request goes to the first node while it answers and to the next ones (backups) once it
/// does not, so a test knows which node runs its sessions and where a client goes when that node dies.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _folder;

    private NginxProxy(Process process, DirectoryInfo folder, string url)
    {
        _process = process;
        _folder = folder;
        Url = url;
    }

    public string Url { get; }

    public static async Task<NginxProxy> StartAsync(IReadOnlyList<string> nodeUrls)
    {
        var binary = new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx was not found (/usr/sbin/nginx): install it with `scripts/setup.sh test` (Debian package nginx-light).");

        // nginx's workers drop to another user when the master runs as root: the folder must be open to them.
        var folder = Directory.CreateTempSubdirectory("roleplayhub-nginx-");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var port = Ports.FreeLoopback();
        var servers = string.Join('\n', nodeUrls.Select((url, i) =>
            $"    server {new Uri(url).Authority}{(i == 0 ? " max_fails=1 fail_timeout=30s" : " backup")};"));
        var config = Path.Combine(folder.FullName, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            worker_processes 1;
            pid {{folder.FullName}}/nginx.pid;
            error_log {{folder.FullName}}/error.log warn;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{folder.FullName}}/body;
              proxy_temp_path {{folder.FullName}}/proxy;
              fastcgi_temp_path {{folder.FullName}}/fastcgi;
              uwsgi_temp_path {{folder.FullName}}/uwsgi;
              scgi_temp_path {{folder.FullName}}/scgi;
              map $http_upgrade $connection_upgrade { default upgrade; "" close; }
              upstream roleplay {
            {{servers}}
              }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://roleplay;
                  proxy_http_version 1.1;
                  proxy_set_header Upgrade $http_upgrade;
                  proxy_set_header Connection $connection_upgrade;
                  proxy_set_header Host $http_host; # with its port: the history API makes media URLs absolute against it
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_read_timeout 120s;
                  proxy_buffering off;
                  client_max_body_size 1m;
                }
              }
            }
            """);

        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-c", config, "-p", folder.FullName, "-e", Path.Combine(folder.FullName, "error.log")])
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new NginxProxy(process, folder, $"http://127.0.0.1:{port}");

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited)
            {
                var log = File.Exists(Path.Combine(folder.FullName, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(folder.FullName, "error.log")) : "";
                await proxy.DisposeAsync();
                throw new InvalidOperationException($"nginx exited ({process.ExitCode}) while starting:\n{log}");
            }

            try
            {
                using var health = await http.GetAsync($"{proxy.Url}/healthz");
                if (health.IsSuccessStatusCode)
                {
                    return proxy;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                await proxy.DisposeAsync();
                throw new TimeoutException("nginx did not pass /healthz through to the nodes within 20 s.");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

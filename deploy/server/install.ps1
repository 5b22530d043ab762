#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
    hailong sync server installer for a Windows office PC (Windows 10/11, Server 2016+).

.DESCRIPTION
    Installs hailong[server] into a venv, writes the config (never overwritten), prepares the
    database, and registers:
      - scheduled task "hailong-server"        at startup, as LOCAL SERVICE, restarted on failure
                                                (waitress serves the staff pages; no IIS, no NSSM)
      - scheduled task "hailong-server-backup" every night, and at the next start if the PC was off
      - firewall rules: TCP <port> and UDP 123 (NTP) from the local subnet only
      - W32Time as an NTP server for the kiosks (a Pi 4 has no battery clock)
    Re-running it is safe and is the upgrade path.

    NOT RUN IN CI: this script was written on Linux without PowerShell available (no pwsh, no
    Windows machine); it has not been executed or even parsed. Test it on a Windows PC before
    relying on it, and report problems. docs/server-install.md lists the same steps by hand.

.EXAMPLE
    # PowerShell "Run as administrator", in the unpacked source folder:
    powershell -ExecutionPolicy Bypass -File deploy\server\install.ps1
#>
[CmdletBinding()]
param(
    # hailong source tree or a hailong-*.whl (default: the tree this script is in)
    [string]$Source = (Join-Path $PSScriptRoot '..\..'),
    [string]$Prefix = (Join-Path $env:ProgramFiles 'hailong'),
    [string]$ConfigDir = (Join-Path $env:ProgramData 'hailong'),
    [int]$Port = 5000,
    # Who may reach the web port and NTP: 'LocalSubnet' or e.g. '192.168.1.0/24'
    [string]$RemoteAddress = 'LocalSubnet',
    [switch]$NoNtp,
    [switch]$Reinstall
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$Venv = Join-Path $Prefix 'venv'
$Python = Join-Path $Venv 'Scripts\python.exe'
$ServerExe = Join-Path $Venv 'Scripts\hailong-server.exe'
$DataDir = Join-Path $ConfigDir 'data'
$Config = Join-Path $ConfigDir 'server.toml'
$Stamp = Join-Path $Prefix 'installed-from.txt'
$TaskName = 'hailong-server'
$BackupTaskName = 'hailong-server-backup'
$ServiceAccount = 'NT AUTHORITY\LocalService'
$script:Changed = $false

function Write-Step([string]$Message) { Write-Host "hailong-install: $Message" }
function Write-Change([string]$Message) { $script:Changed = $true; Write-Step $Message }
function Stop-Install([string]$Message) { throw "hailong-install: ERROR: $Message" }

function Find-Python {
    # The base interpreter must be installed "for all users": the task runs as LOCAL SERVICE,
    # which cannot read a per-user install under C:\Users\...\AppData.
    foreach ($candidate in @(@('py', '-3'), @('python'))) {
        $exe = $candidate[0]
        if (-not (Get-Command $exe -ErrorAction SilentlyContinue)) { continue }
        $pyArgs = @($candidate | Select-Object -Skip 1) + @('-c', 'import sys; print(sys.version_info >= (3, 11)); print(sys.base_prefix)')
        $out = & $exe @pyArgs 2>$null
        if ($LASTEXITCODE -eq 0 -and $out -and $out[0] -eq 'True') {
            $base = $out[1]
            if (-not $base.StartsWith($env:ProgramFiles, [StringComparison]::OrdinalIgnoreCase)) {
                Stop-Install "Python at $base is a per-user install. Install Python 3.11+ from python.org with 'Install for all users' (into $env:ProgramFiles), then re-run."
            }
            return , $candidate
        }
    }
    Stop-Install 'Python 3.11 or newer not found: install it from python.org ("Install for all users", "Add python.exe to PATH") and re-run.'
}

function Set-Acl-Restricted([string]$Path, [string]$ServiceRights) {
    # Administrators and SYSTEM full control, LOCAL SERVICE as given, nobody else (the config
    # holds the kiosks' tokens; the data folder the database and the session key).
    & icacls.exe $Path /inheritance:r /grant:r '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-18:(OI)(CI)F' "*S-1-5-19:(OI)(CI)$ServiceRights" | Out-Null
    if ($LASTEXITCODE -ne 0) { Stop-Install "icacls failed on $Path" }
}

function Get-SourceFingerprint([string]$Kind, [string]$Path) {
    $items = if ($Kind -eq 'wheel') { @(Get-Item $Path) } else {
        @(Get-Item (Join-Path $Path 'pyproject.toml')) +
        @(Get-ChildItem -Recurse -File (Join-Path $Path 'kiosk'), (Join-Path $Path 'sync_server') |
            Where-Object { $_.FullName -notmatch '__pycache__' -and $_.Extension -ne '.pyc' })
    }
    $lines = $items | Sort-Object FullName | ForEach-Object {
        (Get-FileHash -Algorithm SHA256 $_.FullName).Hash + ' ' + $_.FullName.Substring($Path.Length)
    }
    $version = & $Python -c 'import sys; print(sys.version)'
    $text = ($lines + @("kind=$Kind extras=server", $version)) -join "`n"
    $sha = [Security.Cryptography.SHA256]::Create()
    return [BitConverter]::ToString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($text))).Replace('-', '')
}

function Install-Venv {
    $pythonCmd = Find-Python
    if (-not (Test-Path $Prefix)) { New-Item -ItemType Directory -Path $Prefix | Out-Null; Write-Change "created $Prefix" }
    if (-not (Test-Path $Python)) {
        $exe = $pythonCmd[0]
        $pyArgs = @($pythonCmd | Select-Object -Skip 1) + @('-m', 'venv', $Venv)
        & $exe @pyArgs
        if ($LASTEXITCODE -ne 0) { Stop-Install 'python -m venv failed' }
        Write-Change "venv created at $Venv"
    }
    $sourcePath = (Resolve-Path $Source).Path
    $kind = if ($sourcePath -like '*.whl') { 'wheel' } elseif (Test-Path (Join-Path $sourcePath 'pyproject.toml')) { 'tree' } else {
        Stop-Install "Source must be a hailong source tree or a .whl: $sourcePath"
    }
    $fingerprint = Get-SourceFingerprint $kind $sourcePath
    if (-not $Reinstall -and (Test-Path $Stamp) -and ((Get-Content $Stamp -Raw).Trim() -eq $fingerprint) -and (Test-Path $ServerExe)) {
        Write-Step "hailong: up to date ($(& $ServerExe --version))"
        return
    }
    if ($kind -eq 'tree') {
        # Build from a copy: pip would write build\ and *.egg-info into the tree.
        $build = Join-Path ([IO.Path]::GetTempPath()) ("hailong-build-" + [Guid]::NewGuid())
        New-Item -ItemType Directory -Path $build | Out-Null
        Copy-Item (Join-Path $sourcePath 'pyproject.toml'), (Join-Path $sourcePath 'README.md'), (Join-Path $sourcePath 'LICENSE') $build
        Copy-Item -Recurse (Join-Path $sourcePath 'kiosk'), (Join-Path $sourcePath 'sync_server') $build
        $target = "$build[server]"
    } else {
        $target = "$sourcePath[server]"
    }
    & $Python -m pip install --no-input --disable-pip-version-check --quiet $target
    if ($LASTEXITCODE -ne 0) { Stop-Install 'pip install failed (see above)' }
    if ($kind -eq 'tree') { Remove-Item -Recurse -Force $build }
    Set-Content -Path $Stamp -Value $fingerprint -Encoding ascii
    Write-Change "hailong installed: $(& $ServerExe --version)"
}

function Install-Config {
    foreach ($dir in @($ConfigDir, $DataDir)) {
        if (-not (Test-Path $dir)) { New-Item -ItemType Directory -Path $dir | Out-Null; Write-Change "created $dir" }
    }
    if (-not (Test-Path $Config)) {
        $template = Get-Content -Raw -Encoding UTF8 (Join-Path $PSScriptRoot 'server.toml.in')
        # Forward slashes: a TOML basic string would read "\P" in C:\ProgramData as an escape.
        $text = $template.Replace('@DATA_DIR@', $DataDir.Replace('\', '/')).Replace('@PORT@', "$Port")
        [IO.File]::WriteAllText($Config, $text, (New-Object Text.UTF8Encoding($false)))
        Write-Change "wrote $Config"
    } else {
        Write-Step "config: keeping $Config"
    }
    $key = Join-Path $DataDir 'secret_key'
    if (-not (Test-Path $key)) {
        $bytes = New-Object byte[] 32
        [Security.Cryptography.RandomNumberGenerator]::Create().GetBytes($bytes)
        Set-Content -Path $key -Value (($bytes | ForEach-Object { $_.ToString('x2') }) -join '') -Encoding ascii
        Write-Change "made a random session key in $key"
    }
    Set-Acl-Restricted $ConfigDir 'RX'
    Set-Acl-Restricted $DataDir 'M'
}

function Initialize-Database {
    & $ServerExe init-db --config $Config | Out-Null
    if ($LASTEXITCODE -ne 0) { Stop-Install "the database could not be prepared with $Config (message above)" }
    Write-Step 'database: schema up to date'
}

function Register-HailongTask([string]$Name, $Action, $Trigger, $Settings) {
    $existing = Get-ScheduledTask -TaskName $Name -ErrorAction SilentlyContinue
    if ($existing -and $existing.Actions[0].Execute -eq $Action.Execute -and $existing.Actions[0].Arguments -eq $Action.Arguments) {
        return
    }
    $principal = New-ScheduledTaskPrincipal -UserId $ServiceAccount -LogonType ServiceAccount -RunLevel Limited
    Register-ScheduledTask -TaskName $Name -Action $Action -Trigger $Trigger -Settings $Settings -Principal $principal -Force | Out-Null
    Write-Change "scheduled task $Name registered"
}

function Install-Tasks {
    $serve = New-ScheduledTaskAction -Execute $ServerExe -Argument "serve --config `"$Config`"" -WorkingDirectory $DataDir
    # Restarted every minute if it stops, for ever; no time limit (the default stops tasks after 3 days).
    $serveSettings = New-ScheduledTaskSettingsSet -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
        -ExecutionTimeLimit ([TimeSpan]::Zero) -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries `
        -MultipleInstances IgnoreNew
    Register-HailongTask $TaskName $serve (New-ScheduledTaskTrigger -AtStartup) $serveSettings

    $backup = New-ScheduledTaskAction -Execute $Python `
        -Argument "-m sync_server backup --config `"$Config`" --keep-days 30" -WorkingDirectory $DataDir
    # StartWhenAvailable: an office PC off at 02:30 backs up soon after it is switched on.
    $backupSettings = New-ScheduledTaskSettingsSet -StartWhenAvailable -ExecutionTimeLimit (New-TimeSpan -Hours 2) `
        -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -MultipleInstances IgnoreNew
    Register-HailongTask $BackupTaskName $backup (New-ScheduledTaskTrigger -Daily -At '02:30') $backupSettings
}

function Install-FirewallRules {
    $rules = @(
        @{ Name = 'hailong-server-http'; DisplayName = "hailong server (TCP $Port)"; Protocol = 'TCP'; LocalPort = "$Port" }
    )
    if (-not $NoNtp) { $rules += @{ Name = 'hailong-ntp'; DisplayName = 'hailong NTP for kiosks (UDP 123)'; Protocol = 'UDP'; LocalPort = '123' } }
    foreach ($r in $rules) {
        $existing = Get-NetFirewallRule -Name $r.Name -ErrorAction SilentlyContinue
        if ($existing) {
            $port = ($existing | Get-NetFirewallPortFilter).LocalPort
            if ($port -eq $r.LocalPort) { continue }
            Remove-NetFirewallRule -Name $r.Name
        }
        # Every profile (office LANs are often marked "Public"), but only from the local subnet.
        New-NetFirewallRule -Name $r.Name -DisplayName $r.DisplayName -Direction Inbound -Action Allow `
            -Protocol $r.Protocol -LocalPort $r.LocalPort -RemoteAddress $RemoteAddress -Profile Any | Out-Null
        Write-Change "firewall: $($r.DisplayName) allowed from $RemoteAddress"
    }
}

function Enable-NtpServer {
    if ($NoNtp) { return }
    if ((Get-CimInstance Win32_ComputerSystem).PartOfDomain) {
        Write-Warning 'this PC is in a domain: W32Time follows the domain; ask the IT admin before serving NTP from it'
    }
    $server = 'HKLM:\SYSTEM\CurrentControlSet\Services\W32Time\TimeProviders\NtpServer'
    $config = 'HKLM:\SYSTEM\CurrentControlSet\Services\W32Time\Config'
    $dirty = $false
    if ((Get-ItemProperty $server).Enabled -ne 1) { Set-ItemProperty $server -Name Enabled -Value 1 -Type DWord; $dirty = $true }
    # 5 = always a (reliable) time server, even when the internet is unreachable: the kiosks
    # still agree with the office PC, which is what the ratings' times are compared with.
    if ((Get-ItemProperty $config).AnnounceFlags -ne 5) { Set-ItemProperty $config -Name AnnounceFlags -Value 5 -Type DWord; $dirty = $true }
    $svc = Get-Service W32Time
    if ($svc.StartType -ne 'Automatic') { Set-Service W32Time -StartupType Automatic; $dirty = $true }
    if ($dirty -or $svc.Status -ne 'Running') {
        Restart-Service W32Time -Force
        & w32tm.exe /config /update | Out-Null
        Write-Change 'W32Time now serves the time to the kiosks (NTP, UDP 123)'
    }
}

function Start-Server {
    $task = Get-ScheduledTask -TaskName $TaskName
    if ($script:Changed -and $task.State -eq 'Running') { Stop-ScheduledTask -TaskName $TaskName; Start-Sleep -Seconds 2 }
    if ((Get-ScheduledTask -TaskName $TaskName).State -ne 'Running') {
        Start-ScheduledTask -TaskName $TaskName
        Write-Step "server started: http://$($env:COMPUTERNAME):$Port/"
    }
}

function Main {
    Install-Venv
    Install-Config
    Initialize-Database
    Install-Tasks
    Install-FirewallRules
    Enable-NtpServer
    Start-Server
    if ($script:Changed) { Write-Step 'done' } else { Write-Step 'done: nothing to change' }
    Write-Host @"
Next:
  - the first staff login (asks for a password; no default password exists):
      & '$ServerExe' create-admin --config '$Config' --username admin
  - add each kiosk to $Config ([[kiosks]]: id, url, token): docs\technician.md, "Pairing";
    then: Stop-ScheduledTask $TaskName; Start-ScheduledTask $TaskName
  - backups: $DataDir\backups (nightly); restore: docs\server-install.md
"@
}

Main

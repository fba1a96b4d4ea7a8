# A tour of shmbridge from PowerShell (Windows PowerShell 5.1 and PowerShell 7), no modules.
# Line for line the same as ../python/example.py; CI cannot run PowerShell (see README.md here).
#
# Finds the daemon like the daemon does (SHMBRIDGE_URL, default http://127.0.0.1:8765; SHMBRIDGE_TOKEN, else
# the token file), then: creates a mapping, writes and reads bytes and UTF-16LE text, waits for an event,
# follows the watch stream for a few changes, handles a problem by its type, and closes everything.
#
#   powershell -ExecutionPolicy Bypass -File Example.ps1

$ErrorActionPreference = 'Stop'
$Url = if ($env:SHMBRIDGE_URL) { $env:SHMBRIDGE_URL.TrimEnd('/') } else { 'http://127.0.0.1:8765' }

# Where the daemon keeps its token: %APPDATA%\shmbridge\token on Windows, else ~/.config/shmbridge/token.
function Get-TokenFile {
    if ($env:APPDATA) { return Join-Path $env:APPDATA 'shmbridge\token' }
    $config = if ($env:XDG_CONFIG_HOME) { $env:XDG_CONFIG_HOME } else { Join-Path $HOME '.config' }
    return Join-Path $config 'shmbridge/token'
}

$Token = if ($env:SHMBRIDGE_TOKEN) { $env:SHMBRIDGE_TOKEN } else { (Get-Content -Raw (Get-TokenFile)).Trim() }
# -Authentication Bearer refuses plain http: send the header yourself.
$Headers = @{ Authorization = "Bearer $Token" }

# An RFC 9457 problem the daemon answered: branch on .Type, show .Title and .Detail.
class Problem : System.Exception {
    [int]$Status; [string]$Type; [string]$Title; [string]$Detail
    Problem([int]$status, $p) : base("$status $($p.title): $($p.detail)") {
        $this.Status = $status; $this.Type = $p.type; $this.Title = $p.title; $this.Detail = $p.detail
    }
}

# Sends a request; answers the response. Names in -Path must be escaped (see Get-ObjectPath).
function Invoke-Shm {
    param([string]$Method, [string]$Path, $Json, [byte[]]$Data, [string]$Text)
    $params = @{ Method = $Method; Uri = "$Url$Path"; Headers = $Headers; UseBasicParsing = $true }
    # Invoke-WebRequest sends a form type unless told: the daemon refuses that (any web page could send it).
    if ($null -ne $Json) { $params.ContentType = 'application/json'; $params.Body = ($Json | ConvertTo-Json -Compress -Depth 10) }
    elseif ($null -ne $Data) { $params.ContentType = 'application/octet-stream'; $params.Body = $Data }
    elseif ($Text) { $params.ContentType = 'text/plain; charset=utf-8'; $params.Body = [Text.Encoding]::UTF8.GetBytes($Text) }
    try {
        return Invoke-WebRequest @params
    } catch [System.Net.WebException], [Microsoft.PowerShell.Commands.HttpResponseException] {
        $res = $_.Exception.Response
        $body = if ($_.ErrorDetails.Message) { $_.ErrorDetails.Message } else { (New-Object IO.StreamReader($res.GetResponseStream())).ReadToEnd() }
        throw [Problem]::new([int]$res.StatusCode, ($body | ConvertFrom-Json))
    }
}

# The path of a mapping, event or mutex: a name's backslash must be percent-encoded (Local%5CX).
function Get-ObjectPath([string]$Kind, [string]$Name, [string]$Rest = '') {
    return "/v1/$Kind/$([Uri]::EscapeDataString($Name))$Rest"
}

# Follows a mapping's watch stream (Server-Sent Events) for $N messages after the snapshot.
function Watch-Mapping([string]$Name, [int]$N, [scriptblock]$OnReady) {
    $req = [Net.HttpWebRequest]::Create($Url + (Get-ObjectPath 'mappings' $Name '/watch?interval=10ms&length=8'))
    $req.Headers.Add('Authorization', "Bearer $Token")
    $res = $req.GetResponse()
    $reader = New-Object IO.StreamReader($res.GetResponseStream())
    $seen = @(); $event = $null
    try {
        while ($null -ne ($line = $reader.ReadLine())) {  # one line at a time, as they come
            if ($line.StartsWith('event: ')) { $event = $line.Substring(7) }
            elseif ($line.StartsWith('data: ')) {
                $msg = $line.Substring(6) | ConvertFrom-Json
                $seen += , @($event, $msg)
                Write-Host "  ${event}: seq $($msg.seq) $($msg.spans | ConvertTo-Json -Compress)$($msg.data)"
                if ($event -eq 'snapshot') { & $OnReady }
                if ($seen.Count -gt $N) { return $seen }
            }
        }
    } finally { $reader.Close(); $res.Close() }
    return $seen
}

$Name = "Local\ps-example-$PID"
$Ev = "Local\ps-example-ready-$PID"
$m = (Invoke-Shm -Method Post -Path '/v1/mappings' -Json @{ name = $Name; size = 4096; mode = 'open_or_create' }).Content | ConvertFrom-Json
Write-Host 'mapping:' $m.name $m.size 'bytes,' $(if ($m.created) { 'created' } else { 'opened' })
try {
    # Fields: a layout (Kaitai Struct, here as JSON) says what the bytes are; the daemon decodes them, one
    # consistent frame at a time (a seqlock: seq is odd while a producer writes), and writes fields by name.
    $Lid = "ps_example_$PID"
    Invoke-Shm -Method Put -Path (Get-ObjectPath 'layouts' $Lid) -Json @{
        meta = @{ id = $Lid; endian = 'le'; '-shmbridge' = @{ consistency = @{ seqlock = 'seq' } } }
        seq  = @(@{ id = 'seq'; type = 'u4' }, @{ id = 'speed'; type = 'f4' }, @{ id = 'gear'; type = 's1' },
            @{ id = 'driver'; type = 'strz'; size = 16; encoding = 'UTF-8' })
    } | Out-Null
    Invoke-Shm -Method Patch -Path (Get-ObjectPath 'mappings' $Name "/fields?layout=$Lid") -Json @{ speed = 61.5; gear = 3; driver = 'Ayrton' } | Out-Null
    $f = (Invoke-Shm -Method Get -Path (Get-ObjectPath 'mappings' $Name "/fields?layout=$Lid")).Content | ConvertFrom-Json
    if ($f.speed -ne 61.5 -or $f.gear -ne 3 -or $f.driver -ne 'Ayrton') { throw "unexpected: $($f | ConvertTo-Json -Compress)" }
    Write-Host 'fields:' ($f | ConvertTo-Json -Compress)
    Invoke-Shm -Method Delete -Path (Get-ObjectPath 'layouts' $Lid) | Out-Null

    # Bytes. (Invoke-WebRequest -OutFile saves raw bytes to a file; .Content is them in memory.)
    Invoke-Shm -Method Put -Path (Get-ObjectPath 'mappings' $Name '/data?offset=0') -Data ([byte[]](1, 2, 3, 4)) | Out-Null
    $got = (Invoke-Shm -Method Get -Path (Get-ObjectPath 'mappings' $Name '/data?offset=0&length=4')).Content
    if (($got -join ',') -ne '1,2,3,4') { throw "unexpected: $got" }
    Write-Host 'bytes:' (($got | ForEach-Object { $_.ToString('x2') }) -join ' ')

    # UTF-16LE text, NUL-terminated, as Windows programs keep strings.
    Invoke-Shm -Method Put -Path (Get-ObjectPath 'mappings' $Name '/data?offset=64&encoding=utf-16le&nul=true') -Text 'Grüße, 世界' | Out-Null
    $res = Invoke-Shm -Method Get -Path (Get-ObjectPath 'mappings' $Name '/data?offset=64&as=text&encoding=utf-16le')
    $text = [Text.Encoding]::UTF8.GetString($res.RawContentStream.ToArray())
    if ($text -ne 'Grüße, 世界') { throw "unexpected: $text" }
    Write-Host 'text:' $text

    # An event: wait for it while someone else (here a background job, usually a native program) sets it.
    Invoke-Shm -Method Post -Path '/v1/events' -Json @{ name = $Ev; manual_reset = $false } | Out-Null
    $setter = Start-Job -ScriptBlock {
        param($uri, $headers) Start-Sleep -Milliseconds 200
        Invoke-WebRequest -Method Post -Uri $uri -Headers $headers -ContentType 'application/json' -Body '{}' -UseBasicParsing | Out-Null
    } -ArgumentList ($Url + (Get-ObjectPath 'events' $Ev '/set')), $Headers
    $r = (Invoke-Shm -Method Post -Path (Get-ObjectPath 'events' $Ev '/wait?timeout=5s') -Json @{}).Content | ConvertFrom-Json
    Receive-Job -Wait -AutoRemoveJob $setter
    if (-not $r.signaled) { throw "unexpected: $r" }
    Write-Host 'event: signaled'

    # The watch stream: a snapshot, then each change (a background job writes three).
    $writer = {
        Start-Job -ScriptBlock {
            param($uri, $headers)
            foreach ($i in 1..3) {
                Start-Sleep -Milliseconds 100
                Invoke-WebRequest -Method Put -Uri $uri -Headers $headers -ContentType 'application/octet-stream' -Body ([byte[]](0x10 + $i)) -UseBasicParsing | Out-Null
            }
        } -ArgumentList ($Url + (Get-ObjectPath 'mappings' $Name '/data?offset=0')), $Headers | Out-Null
    }
    $msgs = Watch-Mapping $Name 3 $writer
    if ((($msgs | ForEach-Object { $_[0] }) -join ',') -ne 'snapshot,change,change,change') { throw "unexpected: $msgs" }
    Write-Host 'watch: snapshot and 3 changes'

    # A problem, handled by its type.
    try {
        Invoke-Shm -Method Post -Path '/v1/mappings' -Json @{ name = "$Name-missing"; mode = 'open' } | Out-Null
    } catch [Problem] {
        if ($_.Exception.Type -ne 'urn:shmbridge:problem:not-found') { throw }
        Write-Host 'problem:' $_.Exception.Title '-' $_.Exception.Detail
    }
} finally {
    # Unlink only what this script created: on Linux a name outlives the daemon's handle (the next create
    # would be 409 exists), but a name a native program made is that program's: unlinking it would remove its
    # object while it runs.
    Invoke-Shm -Method Delete -Path (Get-ObjectPath 'mappings' $Name "?unlink=$($m.created)") | Out-Null
    try {
        Invoke-Shm -Method Delete -Path (Get-ObjectPath 'events' $Ev '?unlink=true') | Out-Null
    } catch [Problem] {
        if ($_.Exception.Type -ne 'urn:shmbridge:problem:not-found') { throw }
    }
}
Write-Host 'closed: ok'

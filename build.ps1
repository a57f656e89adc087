#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and checks Zapier.Client.
.DESCRIPTION
    Run from anywhere as: dotnet pwsh ./build.ps1 -Target Generate|Build|Test|CheckDrift|All|ProveCorrections|
    RefreshSchema|CheckPublishedSchema|UpdateApiBaseline|CheckPackages (PowerShell is a pinned local tool: run
    `dotnet tool restore` once first.)

      Generate          Regenerates generated/ with Kiota through the library build (-p:ZapierForceGenerate=true).
      Build             Builds Zapier.Generated.sln.
      Test              Runs the tests in Zapier.Generated.sln; results in TestResults/tests.trx.
      CheckDrift        Runs Generate, then fails if generated/ or kiota-lock.json differ from what is committed.
      All               Build, Test, CheckDrift (the default).
      ProveCorrections  For each correction group of openapi/corrections.overlay.yaml, removes it in a scratch copy
                        of the repository, regenerates, and runs the test that CorrectionTests.GuardedBy maps it to;
                        prints a table and fails if any removal leaves its test passing. Slow (6 to 10 minutes for
                        the 36 corrections on 2 cores); not part of All or CI. -Only name,name limits it to some corrections.
      RefreshSchema     -From FILE|URL: replaces openapi/partner-api.yaml with that schema (JSON is converted to YAML),
                        regenerates and builds Zapier.Generated.sln (a stale correction fails with ZSC001; a public API
                        change is a warning in this build only), then prints what changed since HEAD for a reviewer:
                        operations, schemas, properties and enum values added or removed, the generated files added,
                        removed or changed, and the public API added or removed (then run UpdateApiBaseline). Fails if
                        the build fails. A rerun prints the same summary.
      CheckPublishedSchema  In a scratch copy of the repository, turns partner-api.yaml into the form Zapier publishes
                        (no callback_url in _RunActionRequest, v1 error answers as open objects), regenerates with the
                        corrections, builds and runs the contract suite. CI runs it.
      UpdateApiBaseline Writes the public surface of every packable project under src/ that its PublicAPI.Shipped.txt
                        and PublicAPI.Unshipped.txt do not list yet into PublicAPI.Unshipped.txt, and removes what is
                        gone (creating both files for a new package). Review the diff and commit it.
      CheckPackages     Packs every packable project under src/ into artifacts/feed, checks that two clones of the
                        commit in different folders build identical package dlls, then builds and runs the commit's
                        samples/Zapier.Consumer against the packages of that feed only, and installs the Zapier.Cli
                        tool from it and runs `zapier run demo:send-email --sandbox --wait`. Notes a placeholder
                        RepositoryUrl and checks that a release pack (-p:ZapierRelease=true) refuses it.
#>
[CmdletBinding()]
param(
    [ValidateSet('Generate', 'Build', 'Test', 'CheckDrift', 'All', 'ProveCorrections', 'RefreshSchema', 'CheckPublishedSchema', 'UpdateApiBaseline', 'CheckPackages')]
    [string] $Target = 'All',

    # ProveCorrections only: the corrections (x-correction names of actions with x-source) to prove.
    [string[]] $Only = @(),

    # RefreshSchema only: the schema to take, a file or an http(s) URL (e.g. https://api.zapier.com/schema).
    [string] $From = ''
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$RepoRoot = $PSScriptRoot
$Solution = Join-Path $RepoRoot 'Zapier.Generated.sln'
# A relative -From file is relative to where the script was started, not to the repository root it works in.
if ($From -and $From -notmatch '^https?://') {
    $From = [IO.Path]::GetFullPath($From, (Get-Location).Path)
}

# Runs a native command and stops the script when it exits non-zero.
function Invoke-Native {
    param(
        [Parameter(Mandatory)] [string] $Command,
        [string[]] $Arguments = @()
    )
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor Cyan
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Invoke-Generate {
    Invoke-Native dotnet @('build', (Join-Path $RepoRoot 'src/Zapier.Client/Zapier.Client.csproj'), '-p:ZapierForceGenerate=true')
}

function Invoke-Build {
    Invoke-Native dotnet @('build', $Solution)
}

function Invoke-Test {
    Invoke-Native dotnet @('test', $Solution,
        '--logger', 'trx;LogFileName=tests.trx',
        '--results-directory', (Join-Path $RepoRoot 'TestResults'))
}

function Invoke-CheckDrift {
    Invoke-Generate

    Write-Host '> git status --porcelain -- generated kiota-lock.json' -ForegroundColor Cyan
    $changes = @(& git -C $RepoRoot status --porcelain --untracked-files=all -- generated kiota-lock.json)
    if ($LASTEXITCODE -ne 0) {
        throw "git status failed with exit code $LASTEXITCODE."
    }

    if ($changes.Count -gt 0) {
        $list = ($changes | ForEach-Object { "  $_" }) -join [Environment]::NewLine
        throw ("Generated code drifted: regenerating changed these files (commit them, or fix the schema, overlay or generator options):" +
            [Environment]::NewLine + $list)
    }

    Write-Host 'No drift: generated/ and kiota-lock.json match the schema.' -ForegroundColor Green
}

# The projects under src/ that are packed (IsPackable true), as full paths. New packages are found without a list.
function Get-PackableProjects([string] $Root = $RepoRoot) {
    $projects = Get-ChildItem -Path (Join-Path $Root 'src') -Recurse -Filter '*.csproj' |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' } | Sort-Object FullName
    foreach ($project in $projects) {
        $packable = & dotnet msbuild $project.FullName -getProperty:IsPackable
        if ($LASTEXITCODE -ne 0) { throw "Cannot evaluate $($project.FullName)." }
        if ("$packable".Trim() -eq 'true') { $project.FullName }
    }
}

function Invoke-UpdateApiBaseline {
    foreach ($project in @(Get-PackableProjects)) {
        $dir = Split-Path $project
        $shipped = Join-Path $dir 'PublicAPI.Shipped.txt'
        $unshipped = Join-Path $dir 'PublicAPI.Unshipped.txt'
        foreach ($file in $shipped, $unshipped) {
            if (-not (Test-Path $file)) {
                Set-Content -Path $file -Value '#nullable enable'
                Write-Host "Created $file"
            }
        }

        # A build that does not fail on the baseline: it regenerates generated/ when the schema changed (so the fixes
        # below see the surface the next build compiles) and reports, as warnings, the entries whose API is gone.
        Write-Host "> dotnet build $project (baseline diagnostics as warnings)" -ForegroundColor Cyan
        $output = @(& dotnet build $project -v:q -clp:NoSummary -p:TreatWarningsAsErrors=false)
        $gone = @($output | ForEach-Object {
                if ($_ -match "^(?<file>.+?)\(\d+,\d+\): warning RS0017: Symbol '(?<api>.*)' is part of the declared API") {
                    [pscustomobject]@{ File = [IO.Path]::GetFullPath($Matches['file']); Api = $Matches['api'] }
                }
            } | Sort-Object File, Api -Unique)
        # RS0017 has no automatic fix: an unshipped entry is dropped; a shipped one stays and is marked *REMOVED* in
        # Unshipped, as the analyzer expects for a removal from a released version.
        $removedFromUnshipped = @($gone | Where-Object { $_.File -eq [IO.Path]::GetFullPath($unshipped) } | ForEach-Object Api)
        if ($removedFromUnshipped.Count -gt 0) {
            $kept = @(Get-Content $unshipped | Where-Object { $_ -notin $removedFromUnshipped })
            Set-Content -Path $unshipped -Value $kept
        }
        $removedFromShipped = @($gone | Where-Object { $_.File -eq [IO.Path]::GetFullPath($shipped) } | ForEach-Object { "*REMOVED*$($_.Api)" })
        if ($removedFromShipped.Count -gt 0) {
            Add-Content -Path $unshipped -Value $removedFromShipped
        }
        foreach ($api in $removedFromUnshipped + $removedFromShipped) { Write-Host "  removed: $api" }

        # New public API: the analyzer's own fix writes the entries (--include-generated: generated/ is surface too).
        # The fix also drops the compiler-synthesized members of records that are listed already (Equals, <Clone>$,
        # operators; seen with PublicApiAnalyzers 5.6.0), so every entry kept above is put back after it.
        $before = @(Get-Content $unshipped)
        Invoke-Native dotnet @('format', 'analyzers', $project, '--diagnostics', 'RS0016', '--severity', 'warn', '--include-generated')
        $entries = [Collections.Generic.List[string]]::new([Collections.Generic.HashSet[string]]::new(
                [string[]]@(@($before) + @(Get-Content $unshipped) | Where-Object { $_ -and $_ -ne '#nullable enable' }),
                [StringComparer]::Ordinal))
        $entries.Sort([StringComparer]::OrdinalIgnoreCase)   # the analyzer's own order
        Set-Content -Path $unshipped -Value (@('#nullable enable') + $entries)
    }
    # The baseline must now be complete: a normal build fails on anything left out.
    foreach ($project in @(Get-PackableProjects)) {
        Invoke-Native dotnet @('build', $project, '-v:q', '-clp:NoSummary')
    }
    Write-Host 'Public API baseline updated; review `git diff -- src/*/PublicAPI.*.txt` and commit it.' -ForegroundColor Green
}

# SHA-256 of each assembly and symbol file inside the packages of a folder: "<package file>!<entry>" -> hash. The
# .nupkg files themselves differ between builds (zip timestamps), so the check compares what they contain.
function Get-PackagedBinaryHashes([string] $Folder) {
    $hashes = [ordered]@{}
    foreach ($package in Get-ChildItem -Path $Folder -File | Where-Object { $_.Extension -in '.nupkg', '.snupkg' } | Sort-Object Name) {
        $zip = [IO.Compression.ZipFile]::OpenRead($package.FullName)
        try {
            foreach ($entry in $zip.Entries | Where-Object { $_.FullName -match '\.(dll|pdb)$' } | Sort-Object FullName) {
                $stream = $entry.Open()
                try { $hash = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($stream)) } finally { $stream.Dispose() }
                $hashes["$($package.Name)!$($entry.FullName)"] = $hash
            }
        }
        finally {
            $zip.Dispose()
        }
    }
    return $hashes
}

function Invoke-CheckPackages {
    $started = Get-Date
    $artifacts = Join-Path $RepoRoot 'artifacts'
    $feed = Join-Path $artifacts 'feed'
    $packages = Join-Path $artifacts 'consumer-packages'

    $commit = "$(& git -C $RepoRoot rev-parse HEAD)".Trim()
    if ($LASTEXITCODE -ne 0) { throw 'git rev-parse HEAD failed.' }
    if (@(& git -C $RepoRoot status --porcelain --untracked-files=no).Count -gt 0) {
        Write-Host "Note: uncommitted changes are not checked; this packs commit $commit." -ForegroundColor Yellow
    }

    # The same commit cloned into two folders of different names and depths; each packs every packable project into
    # its own artifacts/feed, the folder its samples/Zapier.Consumer/NuGet.config names. Everything checked below is
    # the first clone's, so HEAD's, never the working tree's.
    $scratch = Join-Path ([IO.Path]::GetTempPath()) ('zapier-packages-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    $clones = @((Join-Path $scratch 'first'), (Join-Path $scratch 'second/clone-of-the-same-commit'))
    $savedPackagesVariable = $env:NUGET_PACKAGES
    try {
        $packable = @()
        foreach ($clone in $clones) {
            Invoke-Native git @('clone', '-q', '--no-checkout', $RepoRoot, $clone)
            Invoke-Native git @('-C', $clone, 'checkout', '-q', '--detach', $commit)
            $packable = @(Get-PackableProjects $clone)
            foreach ($project in $packable) {
                # ContinuousIntegrationBuild maps the clone's path to /_/ (CI sets it through CI=true; set here so a
                # local run checks the same thing). Any warning fails the pack.
                Invoke-Native dotnet @('pack', $project, '-c', 'Release', '-o', (Join-Path $clone 'artifacts/feed'),
                    '-p:ContinuousIntegrationBuild=true', '-warnaserror', '-nodeReuse:false', '-v:q', '-clp:NoSummary')
            }
        }

        $first = Get-PackagedBinaryHashes (Join-Path $clones[0] 'artifacts/feed')
        $second = Get-PackagedBinaryHashes (Join-Path $clones[1] 'artifacts/feed')
        if ($first.Count -eq 0) { throw 'The packs produced no assembly to compare.' }
        $different = @($first.Keys | Where-Object { $second[$_] -ne $first[$_] }) + @($second.Keys | Where-Object { -not $first.Contains($_) })
        foreach ($package in @($first.Keys) | Group-Object { $_.Split('!')[0] }) {
            $same = @($package.Group | Where-Object { $_ -notin $different }).Count
            Write-Host "  $($package.Name): $same of $($package.Count) dll/pdb files identical"
        }
        foreach ($name in $different) { Write-Host "  DIFFERS: $name" -ForegroundColor Red }
        if ($different.Count -gt 0) {
            throw "Not deterministic: these differ between two builds of commit $commit in different folders: $($different -join ', ')"
        }
        Write-Host "Deterministic: $($first.Count) dll/pdb files identical in two folders." -ForegroundColor Green

        # A copy of the first clone's packages in artifacts/feed, to look at or install from after the check.
        Remove-Item -Recurse -Force -LiteralPath $feed -ErrorAction SilentlyContinue
        New-Item -ItemType Directory -Path $feed | Out-Null
        Copy-Item -Path (Join-Path $clones[0] 'artifacts/feed/*') -Destination $feed

        # RepositoryUrl (src/Directory.Build.props) is a placeholder until the repository has a public address: say so,
        # and check that a release pack refuses it (ZPK003) rather than publish it.
        $urls = & dotnet msbuild $packable[0] -getProperty:RepositoryUrl -getProperty:ZapierPlaceholderRepositoryUrl | ConvertFrom-Json
        if ($LASTEXITCODE -ne 0) { throw "Cannot evaluate $($packable[0])." }
        if ($urls.Properties.RepositoryUrl -eq $urls.Properties.ZapierPlaceholderRepositoryUrl) {
            Write-Host ("Note: RepositoryUrl is the placeholder $($urls.Properties.RepositoryUrl) (src/Directory.Build.props): these packages' " +
                'project URL and SourceLink point where nothing is published. Fine for this check; a release pack needs the real address.') -ForegroundColor Yellow
            $refusal = @(& dotnet msbuild $packable[0] -t:ZapierCheckRelease -p:ZapierRelease=true -nologo -v:q 2>&1)
            if ($LASTEXITCODE -eq 0 -or -not ($refusal -match 'error ZPK003')) {
                throw "A release pack (-p:ZapierRelease=true) did not refuse the placeholder RepositoryUrl with ZPK003: $($refusal -join ' ')"
            }
            Write-Host 'A release pack (-p:ZapierRelease=true) refuses it (ZPK003).'
        }

        # The packages share one version (src/Directory.Build.props); Zapier.Client's file name says which
        # (Zapier.Client.<version>.nupkg, a version starts with a digit, a package name such as Zapier.Client.Redis does not).
        $versions = @(Get-ChildItem -Path $feed -Filter '*.nupkg' | ForEach-Object {
                if ($_.Name -match '^Zapier\.Client\.(?<version>\d.*)\.nupkg$') { $Matches['version'] } })
        if ($versions.Count -ne 1) { throw "Expected one Zapier.Client package in $feed, found $($versions.Count)." }
        $version = $versions[0]

        # The consumer and the tool restore from the first clone's feed (package source mapping in the clone's
        # samples/Zapier.Consumer/NuGet.config) into artifacts/consumer-packages of this work tree, kept between runs
        # (NUGET_PACKAGES wins over the config's globalPackagesFolder, which would name a folder inside the clone) so
        # third-party packages are not downloaded every time. Our own packages are deleted from it first: a cached copy
        # of an earlier build with the same version would be used instead of the one just packed.
        $env:NUGET_PACKAGES = $packages
        Get-ChildItem -LiteralPath $packages -Directory -Filter 'zapier.*' -ErrorAction SilentlyContinue |
            Remove-Item -Recurse -Force
        $consumerDir = Join-Path $clones[0] 'samples/Zapier.Consumer'
        $consumer = Join-Path $consumerDir 'Zapier.Consumer.csproj'
        Invoke-Native dotnet @('build', $consumer, '-c', 'Release', "-p:ZapierPackageVersion=$version", '-warnaserror', '-nodeReuse:false', '-v:q', '-clp:NoSummary')
        Invoke-Native dotnet @('run', '--project', $consumer, '-c', 'Release', '--no-build', "-p:ZapierPackageVersion=$version")

        # The zapier tool as a user installs it, from the same feed with the same isolated configuration.
        $tools = Join-Path $scratch 'tools'
        Invoke-Native dotnet @('tool', 'install', 'Zapier.Cli', '--version', $version, '--tool-path', $tools,
            '--configfile', (Join-Path $consumerDir 'NuGet.config'))
        $zapier = Join-Path $tools ($(if ($IsWindows) { 'zapier.exe' } else { 'zapier' }))
        Write-Host "> zapier run demo:send-email --sandbox --wait" -ForegroundColor Cyan
        $output = @(& $zapier run demo:send-email --sandbox --wait 2>&1 | ForEach-Object { "$_" })
        $code = $LASTEXITCODE
        $output | ForEach-Object { Write-Host "  $_" }
        if ($code -ne 0 -or -not ($output -match '^Run \S+ succeeded')) {
            throw "The installed zapier tool did not run demo:send-email to success on its sandbox (exit code $code)."
        }
        Write-Host 'Zapier.Cli: installed from the feed; zapier ran demo:send-email to success on its sandbox.' -ForegroundColor Green
    }
    finally {
        $env:NUGET_PACKAGES = $savedPackagesVariable
        Remove-Item -Recurse -Force -LiteralPath $scratch -ErrorAction SilentlyContinue
    }

    Write-Host ("CheckPackages passed in {0:mm}m {0:ss}s." -f ((Get-Date) - $started)) -ForegroundColor Green
}

# The correction -> guarding test map of tests/Zapier.Client.Tests/CorrectionTests.cs (GuardedBy), as fully
# qualified test names for `dotnet test --filter`.
function Get-CorrectionGuards {
    $testsDir = Join-Path $RepoRoot 'tests/Zapier.Client.Tests'
    $source = Get-Content -Raw (Join-Path $testsDir 'CorrectionTests.cs')
    $namespaces = @{}
    $guards = [ordered]@{}
    foreach ($match in [regex]::Matches($source, '\["(?<name>[^"]+)"\]\s*=\s*nameof\((?:(?<class>\w+)\.)?(?<method>\w+)\)')) {
        $class = if ($match.Groups['class'].Success) { $match.Groups['class'].Value } else { 'CorrectionTests' }
        if (-not $namespaces.ContainsKey($class)) {
            $file = Get-ChildItem -Path $testsDir -Recurse -Filter '*.cs' |
                Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' } |
                Where-Object { (Get-Content -Raw $_.FullName) -match "\bclass\s+$class\b" } |
                Select-Object -First 1
            if ($null -eq $file -or (Get-Content -Raw $file.FullName) -notmatch '(?m)^namespace\s+([\w.]+)\s*;') {
                throw "Cannot find the namespace of test class $class."
            }
            $namespaces[$class] = $Matches[1]
        }
        $guards[$match.Groups['name'].Value] = "$($namespaces[$class]).$class.$($match.Groups['method'].Value)"
    }
    if ($guards.Count -eq 0) {
        throw 'Found no entries of the form ["correction"] = nameof(Test) in CorrectionTests.cs.'
    }
    return $guards
}

# The overlay's correction groups: each action that carries x-source, with the follow-up actions up to the next one.
function Get-CorrectionGroups([string[]] $Lines) {
    $starts = @()
    for ($i = 0; $i -lt $Lines.Count; $i++) {
        if ($Lines[$i] -match '^  - x-correction:\s*(\S+)') {
            $starts += [pscustomobject]@{ Line = $i; Name = $Matches[1] }
        }
    }
    $groups = @()
    for ($a = 0; $a -lt $starts.Count; $a++) {
        $end = if ($a + 1 -lt $starts.Count) { $starts[$a + 1].Line } else { $Lines.Count }
        $body = $Lines[$starts[$a].Line..($end - 1)]
        if (@($body | Where-Object { $_ -match '^    x-source:' }).Count -gt 0) {
            $groups += [pscustomobject]@{ Name = $starts[$a].Name; Start = $starts[$a].Line; End = $end }
        }
        elseif ($groups.Count -gt 0) {
            $groups[-1].End = $end
        }
    }
    return $groups
}

# The overlay without one group. When the group renames a schema (x-rename-to), later actions that use the new
# name are pointed back at the old one, so that only this correction is missing.
function Get-OverlayWithout([string[]] $Lines, $Group) {
    $before = if ($Group.Start -gt 0) { $Lines[0..($Group.Start - 1)] } else { @() }
    $after = if ($Group.End -lt $Lines.Count) { $Lines[$Group.End..($Lines.Count - 1)] } else { @() }
    $body = ($Lines[$Group.Start..($Group.End - 1)]) -join "`n"
    if ($body -match '(?m)^    x-rename-to:\s*(\S+)' ) {
        $newName = $Matches[1]
        # A schema is named as ['Name'] in its target; a path parameter as @.name == 'name'.
        if ($body -notmatch "(?m)^    target:.*\['(?<old>[^']+)'\]" -and $body -notmatch "(?m)^    target:.*@\.name == '(?<old>[^']+)'") {
            throw "Correction $($Group.Name): cannot find the schema or parameter it renames."
        }
        $oldName = $Matches['old']
        $after = $after | ForEach-Object { if ($_ -match '^\s*#') { $_ } else { $_ -replace "\b$([regex]::Escape($newName))\b", $oldName } }
    }
    return (@($before) + @($after)) -join "`n"
}

# A scratch copy of the work tree (tracked files and new ones, nothing ignored) under the system temp folder; the real
# tree is never touched. Returns its path.
function New-ScratchCopy([string] $Prefix) {
    $scratch = Join-Path ([IO.Path]::GetTempPath()) ($Prefix + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $scratch | Out-Null
    Write-Host "> copying the work tree to $scratch" -ForegroundColor Cyan
    $files = @(& git -C $RepoRoot ls-files --cached --others --exclude-standard)
    if ($LASTEXITCODE -ne 0) { throw 'git ls-files failed.' }
    foreach ($file in $files) {
        $from = Join-Path $RepoRoot $file
        if (Test-Path -LiteralPath $from -PathType Leaf) {
            $to = Join-Path $scratch $file
            New-Item -ItemType Directory -Force -Path (Split-Path $to) | Out-Null
            Copy-Item -LiteralPath $from -Destination $to
        }
    }
    return $scratch
}

# Builds src/Zapier.SchemaTool under $Root and returns the command that runs it (dotnet and the tool's dll).
function Get-SchemaTool([string] $Root) {
    Invoke-Native dotnet @('build', (Join-Path $Root 'src/Zapier.SchemaTool/Zapier.SchemaTool.csproj'), '-v:q', '-nologo', '-clp:NoSummary') | Out-Host
    return Join-Path $Root 'src/Zapier.SchemaTool/bin/Debug/net10.0/Zapier.SchemaTool.dll'
}

function Invoke-RefreshSchema {
    if (-not $From) {
        throw 'RefreshSchema needs -From FILE or -From URL (for example https://api.zapier.com/schema).'
    }

    $work = Join-Path ([IO.Path]::GetTempPath()) ('zapier-refresh-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $work | Out-Null
    try {
        $source = $From
        if ($From -match '^https?://') {
            $source = Join-Path $work 'download'
            Write-Host "> downloading $From" -ForegroundColor Cyan
            Invoke-WebRequest -Uri $From -OutFile $source -Headers @{ Accept = 'application/yaml, application/json;q=0.9' }
        }
        elseif (-not (Test-Path -LiteralPath $source -PathType Leaf)) {
            throw "No such file: $source"
        }

        $tool = Get-SchemaTool $RepoRoot
        $schema = Join-Path $RepoRoot 'openapi/partner-api.yaml'
        Invoke-Native dotnet @($tool, 'import', '--from', (Resolve-Path -LiteralPath $source).Path, '--out', $schema)

        # Regenerate with the corrections and build everything; a stale correction stops here with ZSC001. A public API
        # change (RS0016 added, RS0017 removed) stays a warning in this build so the build goes on and the summary lists
        # it; those lines are kept out of the console (the summary prints each symbol once).
        Write-Host "> dotnet build $Solution -p:ZapierForceGenerate=true -p:ZapierApiBaselineAsWarnings=true" -ForegroundColor Cyan
        $output = [Collections.Generic.List[string]]::new()
        & dotnet build $Solution '-p:ZapierForceGenerate=true' '-p:ZapierApiBaselineAsWarnings=true' '-v:minimal' '-nologo' '-clp:NoSummary' 2>&1 |
            ForEach-Object {
                $line = "$_"
                $output.Add($line)
                if ($line -notmatch ': warning RS001[67]: ') { Write-Host $line }
            }
        $buildCode = $LASTEXITCODE
        $buildLog = Join-Path $work 'build.log'
        Set-Content -LiteralPath $buildLog -Value $output

        # Compared with the last commit, not with the work tree before this run: a second run prints the same summary.
        $previous = Join-Path $work 'head.yaml'
        $headSchema = @(& git -C $RepoRoot show 'HEAD:openapi/partner-api.yaml')
        if ($LASTEXITCODE -ne 0) { throw 'git show HEAD:openapi/partner-api.yaml failed.' }
        Set-Content -LiteralPath $previous -Value $headSchema
        $changes = Join-Path $work 'generated.changes'
        $tracked = @(& git -C $RepoRoot diff --name-status --no-renames HEAD -- generated)
        if ($LASTEXITCODE -ne 0) { throw 'git diff HEAD -- generated failed.' }
        $untracked = @(& git -C $RepoRoot ls-files --others --exclude-standard -- generated)
        if ($LASTEXITCODE -ne 0) { throw 'git ls-files -- generated failed.' }
        Set-Content -LiteralPath $changes -Value (@($tracked) + @($untracked | ForEach-Object { "?`t$_" }))

        Write-Host ''
        & dotnet $tool diff --old $previous --new $schema --generated-changes $changes --build-log $buildLog
        if ($LASTEXITCODE -ne 0) { throw 'The schema diff failed.' }
        Write-Host 'Review: git diff HEAD -- openapi/partner-api.yaml generated/ kiota-lock.json; git add the new generated files listed above.'
        if ($buildCode -ne 0) {
            $stale = @($output | Where-Object { $_ -match 'error ZSC001: ' })
            $why = if ($stale.Count -gt 0) { 'ZSC001 names a stale correction (openapi/README.md, Refreshing from upstream)' } else { 'see the errors above' }
            throw "The build failed (exit code $buildCode) after the refresh: $why."
        }
        if (@($output | Where-Object { $_ -match ': warning RS001[67]: ' }).Count -gt 0) {
            Write-Host ('The public API changed (listed above); a normal build fails on it until the baseline records it. Run ' +
                '`dotnet pwsh ./build.ps1 -Target UpdateApiBaseline`, review `git diff -- src/*/PublicAPI.*.txt` and commit it with the refresh.') -ForegroundColor Yellow
        }
    }
    finally {
        Remove-Item -Recurse -Force -LiteralPath $work -ErrorAction SilentlyContinue
    }
}

function Invoke-CheckPublishedSchema {
    $started = Get-Date
    $scratch = New-ScratchCopy 'zapier-published-'
    $logs = "$scratch-logs"
    New-Item -ItemType Directory -Path $logs | Out-Null
    try {
        Push-Location $scratch
        try {
            Invoke-Native dotnet @('tool', 'restore')
            $tool = Get-SchemaTool $scratch
            $schema = Join-Path $scratch 'openapi/partner-api.yaml'
            Invoke-Native dotnet @($tool, 'published-form', '--in', $schema, '--out', $schema)

            $project = Join-Path $scratch 'tests/Zapier.Client.Tests/Zapier.Client.Tests.csproj'
            Write-Host '> building the published form with the corrections' -ForegroundColor Cyan
            $buildLog = Join-Path $logs 'build.log'
            if ((Invoke-Logged $buildLog @('build', $project, '-p:ZapierForceGenerate=true', '-nodeReuse:false', '-v:minimal', '-clp:NoSummary')) -ne 0) {
                $failure = Get-BuildFailure $buildLog
                throw "The published form of partner-api.yaml does not build with the corrections: $($failure.How). $($failure.Detail)"
            }

            Write-Host '> contract suite on the published form' -ForegroundColor Cyan
            $results = Join-Path $scratch 'TestResults'
            $null = Invoke-Logged (Join-Path $logs 'test.log') @('test', $project, '--no-build', '--filter', 'FullyQualifiedName~Zapier.Client.Tests.Contract.',
                '--logger', 'trx;LogFileName=contract.trx', '--results-directory', $results)
            $run = ([xml](Get-Content -Raw (Join-Path $results 'contract.trx'))).TestRun
            $counters = $run.ResultSummary.Counters
            if ([int]$counters.total -eq 0 -or [int]$counters.failed -gt 0) {
                $run.Results.UnitTestResult | Where-Object { $_.outcome -eq 'Failed' } | Select-Object -First 10 |
                    ForEach-Object { Write-Host "  failed: $($_.testName): $("$($_.Output.ErrorInfo.Message)".Trim() -replace '\s+', ' ')" }
                throw "Contract suite on the published form: $($counters.passed) passed, $($counters.failed) failed of $($counters.total); logs in $logs"
            }

            # Informative: with corrections that apply to either form, the generated code is the checked-in one.
            $mine = Get-Content -Raw (Join-Path $RepoRoot 'kiota-lock.json') | ConvertFrom-Json
            $theirs = Get-Content -Raw (Join-Path $scratch 'kiota-lock.json') | ConvertFrom-Json
            $same = if ($mine.effectiveSchemaSha256 -eq $theirs.effectiveSchemaSha256 -and $mine.outputSha256 -eq $theirs.outputSha256) { 'the same as' } else { 'DIFFERENT from' }
            $duration = (Get-Date) - $started
            Write-Host ("Published form: builds with the corrections; contract suite {0} passed, 0 failed; effective schema and generated/ are {1} the checked-in schema's; {2:%m}m {2:ss}s." -f $counters.passed, $same, $duration) -ForegroundColor Green
            Remove-Item -Recurse -Force -LiteralPath $logs -ErrorAction SilentlyContinue # kept only when the check fails
        }
        finally {
            Pop-Location
        }
    }
    finally {
        Remove-Item -Recurse -Force -LiteralPath $scratch -ErrorAction SilentlyContinue
    }
}

# Runs a native command with its output in a log file; returns the exit code.
function Invoke-Logged([string] $Log, [string[]] $Arguments) {
    & dotnet @Arguments *> $Log
    return $LASTEXITCODE
}

# Why a build failed, from its log: a short cause for the table and the first error line in full.
function Get-BuildFailure([string] $Log) {
    $text = @(Get-Content $Log)
    $zsc = $text | Where-Object { $_ -match 'error ZSC001: ' } | Select-Object -First 1
    if ($zsc) {
        $kind = if ($zsc -match 'would generate one class') { 'name collision' }
            elseif ($zsc -match 'point at nothing') { 'dangling $ref' }
            else { 'a later correction no longer matches' }
        return [pscustomobject]@{ How = "build stopped by ZSC001 ($kind)"; Detail = $zsc.Trim() }
    }
    $cs = $text | Where-Object { $_ -match 'error CS\d+' } | Select-Object -First 1
    if ($cs -and $cs -match '(?<file>[^\s/\\]+\.cs)\(\d+,\d+\): error (?<code>CS\d+):.*\[(?<project>[^\]]+\.csproj)') {
        $how = "compile error in $([IO.Path]::GetFileNameWithoutExtension($Matches['project'])) ($($Matches['code']), $($Matches['file']))"
        return [pscustomobject]@{ How = $how; Detail = $cs.Trim() }
    }
    $other = $text | Where-Object { $_ -match 'error' } | Select-Object -First 1
    return [pscustomobject]@{ How = 'build failed'; Detail = "$other".Trim() }
}

function Invoke-ProveCorrections {
    $started = Get-Date
    $overlayPath = 'openapi/corrections.overlay.yaml'
    $lines = (Get-Content -Raw (Join-Path $RepoRoot $overlayPath)) -split "`n"
    $groups = @(Get-CorrectionGroups $lines)
    $guards = Get-CorrectionGuards

    $unmapped = @($groups | Where-Object { -not $guards.Contains($_.Name) } | ForEach-Object Name)
    if ($unmapped.Count -gt 0) {
        throw "Corrections without a guarding test in CorrectionTests.GuardedBy: $($unmapped -join ', ')"
    }
    # `pwsh -File` passes "a,b" as one string; accept both that and a real array.
    $names = @($Only | ForEach-Object { $_ -split ',' } | ForEach-Object Trim | Where-Object { $_ })
    $unknown = @($names | Where-Object { $_ -notin $groups.Name })
    if ($unknown.Count -gt 0) {
        throw "-Only names no correction with x-source: $($unknown -join ', ')"
    }
    if ($names.Count -gt 0) {
        $groups = @($groups | Where-Object { $_.Name -in $names })
    }

    $scratch = New-ScratchCopy 'zapier-prove-'
    $logs = "$scratch-logs"
    New-Item -ItemType Directory -Path $logs | Out-Null
    try {
        $project = Join-Path $scratch 'tests/Zapier.Client.Tests/Zapier.Client.Tests.csproj'
        $results = Join-Path $scratch 'TestResults'
        $build = @('build', $project, '--no-restore', '-nodeReuse:false', '-v:minimal', '-clp:NoSummary')

        Push-Location $scratch
        try {
            Invoke-Native dotnet @('tool', 'restore')
            Invoke-Native dotnet @('restore', $project)
        }
        finally {
            Pop-Location
        }

        # Baseline: with every correction, every mapped test must pass here, or a failure below would prove nothing.
        Write-Host '> baseline: all corrections, every mapped test' -ForegroundColor Cyan
        if ((Invoke-Logged (Join-Path $logs 'baseline.build.log') $build) -ne 0) {
            throw "The scratch copy does not build with all corrections; see $logs/baseline.build.log"
        }
        $allTests = ($groups | ForEach-Object { "FullyQualifiedName=$($guards[$_.Name])" } | Sort-Object -Unique) -join '|'
        $baseline = Invoke-Logged (Join-Path $logs 'baseline.test.log') @('test', $project, '--no-build', '--filter', $allTests)
        if ($baseline -ne 0) {
            throw "The mapped tests do not all pass with every correction; see $logs/baseline.test.log"
        }

        $rows = @()
        foreach ($group in $groups) {
            $groupStarted = Get-Date
            $test = $guards[$group.Name]
            Write-Host "> without $($group.Name): $test" -ForegroundColor Cyan
            Set-Content -NoNewline -Path (Join-Path $scratch $overlayPath) -Value (Get-OverlayWithout $lines $group)

            $properties = @('-p:ZapierForceGenerate=true')
            $note = ''
            if ($lines[$group.Start..($group.End - 1)] -match '^    x-rename-to:') {
                # Without the rename the name-collision guard (ZSC001) would stop the build before any test ran.
                $properties += '-p:ZapierAllowNameCollisions=true'
                $note = '; name collisions allowed'
            }

            $buildLog = Join-Path $logs "$($group.Name).build.log"
            if ((Invoke-Logged $buildLog ($build + $properties)) -ne 0) {
                $failure = Get-BuildFailure $buildLog
                $result = 'fails as expected'
                $how = $failure.How + $note
                $detail = $failure.Detail
            }
            else {
                $trx = "$($group.Name).trx"
                $null = Invoke-Logged (Join-Path $logs "$($group.Name).test.log") @('test', $project, '--no-build', '--filter', "FullyQualifiedName=$test",
                    '--logger', "trx;LogFileName=$trx", '--results-directory', $results)
                $run = ([xml](Get-Content -Raw (Join-Path $results $trx))).TestRun
                $counters = $run.ResultSummary.Counters
                $failed = @($run.Results.UnitTestResult | Where-Object { $_.outcome -eq 'Failed' })
                $detail = if ($failed.Count -gt 0) { "$($failed[0].testName): $("$($failed[0].Output.ErrorInfo.Message)".Trim() -replace '\s+', ' ')" } else { '' }
                if ([int]$counters.total -eq 0) {
                    $result = 'DID NOT FAIL'
                    $how = 'no test matched the filter'
                }
                elseif ($failed.Count -gt 0) {
                    $result = 'fails as expected'
                    $how = if ([int]$counters.total -gt 1) {
                        $case = if ($failed[0].testName -match '\((.*)\)$') { ", e.g. $($Matches[1])" } else { '' }
                        "test failed ($($failed.Count) of $($counters.total) cases$case)"
                    }
                    else { 'test failed' }
                    $how += $note
                }
                else {
                    $result = 'DID NOT FAIL'
                    $how = "$($counters.total) case(s) passed$note"
                }
            }

            $seconds = [int]((Get-Date) - $groupStarted).TotalSeconds
            Write-Host "  $result`: $how [$seconds s]"
            if ($detail) {
                Write-Host "    $($detail.Substring(0, [Math]::Min(300, $detail.Length)))"
            }
            $rows += [pscustomobject]@{ Correction = $group.Name; Test = ($test -replace '^Zapier\.Client\.Tests\.', ''); Result = $result; How = $how }
        }

        $duration = (Get-Date) - $started
        Write-Host ''
        Write-Host '| Correction | Mapped test | Result | How |'
        Write-Host '|---|---|---|---|'
        foreach ($row in $rows) {
            Write-Host "| ``$($row.Correction)`` | ``$($row.Test)`` | $($row.Result) | $($row.How) |"
        }
        Write-Host ''
        Write-Host ("{0} corrections in {1:%h}h {1:mm}m {1:ss}s; logs in {2}" -f $rows.Count, $duration, $logs)

        $missed = @($rows | Where-Object { $_.Result -eq 'DID NOT FAIL' })
        if ($missed.Count -gt 0) {
            throw "Removing these corrections left their tests passing: $($missed.Correction -join ', ')"
        }
    }
    finally {
        Remove-Item -Recurse -Force -LiteralPath $scratch -ErrorAction SilentlyContinue
    }
}

Push-Location $RepoRoot
try {
    switch ($Target) {
        'Generate' { Invoke-Generate }
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'CheckDrift' { Invoke-CheckDrift }
        'ProveCorrections' { Invoke-ProveCorrections }
        'RefreshSchema' { Invoke-RefreshSchema }
        'CheckPublishedSchema' { Invoke-CheckPublishedSchema }
        'UpdateApiBaseline' { Invoke-UpdateApiBaseline }
        'CheckPackages' { Invoke-CheckPackages }
        'All' {
            Invoke-Build
            Invoke-Test
            Invoke-CheckDrift
        }
    }
}
catch {
    # One plain message on stderr and a non-zero exit code, instead of PowerShell's wrapped error view.
    [Console]::Error.WriteLine("build.ps1 -Target ${Target} failed: $($_.Exception.Message)")
    exit 1
}
finally {
    Pop-Location
}

#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and checks Zapier.Client.
.DESCRIPTION
    Run from anywhere as: dotnet pwsh ./build.ps1 -Target Generate|Build|Test|CheckDrift|All
    (PowerShell is a pinned local tool: run `dotnet tool restore` once first.)

      Generate    Regenerates generated/ with Kiota through the library build (-p:ZapierForceGenerate=true).
      Build       Builds Zapier.Generated.sln.
      Test        Runs the tests in Zapier.Generated.sln; results in TestResults/tests.trx.
      CheckDrift  Runs Generate, then fails if generated/ or kiota-lock.json differ from what is committed.
      All         Build, Test, CheckDrift (the default).
#>
[CmdletBinding()]
param(
    [ValidateSet('Generate', 'Build', 'Test', 'CheckDrift', 'All')]
    [string] $Target = 'All'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$RepoRoot = $PSScriptRoot
$Solution = Join-Path $RepoRoot 'Zapier.Generated.sln'

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

Push-Location $RepoRoot
try {
    switch ($Target) {
        'Generate' { Invoke-Generate }
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'CheckDrift' { Invoke-CheckDrift }
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

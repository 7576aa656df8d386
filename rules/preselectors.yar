/*
   Ratatosk embedded rules: low-score "preselectors" (score 40, a Notice on their own).
   They do not say a file is malicious; they pick files worth a second look, typically by a
   VirusTotal lookup (`--vtscore 40`) or, with `--lookback`, recently dropped ones.
   Each rule stands alone so that it never adds to another embedded rule's reason.
*/

rule PRESEL_Go_Compiled_PE {
   meta:
      description = "Windows PE executable compiled with Go (Go build ID or buildinfo header)"
      author = "Ratatosk project"
      reference = "https://pkg.go.dev/debug/buildinfo"
      date = "2025-01-01"
      score = 40
   strings:
      $go_build_id = "Go build ID: \"" ascii
      $go_buildinf = { FF 20 47 6F 20 62 75 69 6C 64 69 6E 66 3A }
   condition:
      uint16(0) == 0x5A4D
      and filesize < 100MB
      and uint32(0x3C) < filesize
      and uint32(uint32(0x3C)) == 0x00004550
      and 1 of them
}

rule PRESEL_Web_Script_In_Web_Root {
   meta:
      description = "Server-side script file (.php, .aspx, .jsp) in a web root (www, wwwroot, htdocs, public_html, webapps, inetpub)"
      author = "Ratatosk project"
      reference = "https://attack.mitre.org/techniques/T1505/003/"
      date = "2025-01-01"
      score = 40
   condition:
      (
         extension == ".php" or extension == ".aspx" or extension == ".jsp" or extension == ".jspx"
      )
      and
      (
         filepath icontains "/www" or filepath icontains "\\www" or filepath icontains "wwwroot"
         or filepath icontains "htdocs" or filepath icontains "public_html"
         or filepath icontains "webapps" or filepath icontains "inetpub"
      )
}

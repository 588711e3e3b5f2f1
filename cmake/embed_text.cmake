# cmake -DIN=file -DOUT=file.c -DNAME=symbol -P embed_text.cmake
# Writes `const char NAME[]` holding the bytes of IN as a C string literal.
file(READ ${IN} text)
string(REPLACE "\\" "\\\\" text "${text}")
string(REPLACE "\"" "\\\"" text "${text}")
string(REPLACE "\n" "\\n\"\n\"" text "${text}")
file(WRITE ${OUT} "/* Generated from ${IN} by cmake/embed_text.cmake. */\nconst char ${NAME}[] = \"${text}\";\n")

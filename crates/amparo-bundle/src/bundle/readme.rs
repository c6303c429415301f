//! README.en.txt and README.es.txt: what the bundle is and how to check it by hand, in English
//! and in Spanish, filled in with this bundle's values. They explain; nothing in them is
//! verified, and the verifier only checks that they are present and undamaged.

use super::EVIDENCE_DIR;

/// The values a README names.
pub(crate) struct ReadmeFacts<'a> {
    pub evidence_name: &'a str,
    pub sha256_hex: &'a str,
    pub recorded_at: String,
    pub leaf_index: u64,
    pub tree_size: u64,
    pub root_base64: String,
    pub origin: &'a str,
    pub verifier_key: &'a str,
}

/// A standard-library Python 3 program that checks commitments, leaf, proof and checkpoint
/// (everything except the Ed25519 signature), run in the unzipped folder.
const CHECK_PY: &str = r#"import base64, hashlib, json, os
def sha256(data): return hashlib.sha256(data).digest()
name = os.listdir("evidence")[0]
file_hash = hashlib.sha256()
with open(os.path.join("evidence", name), "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        file_hash.update(chunk)
c = json.load(open("commitments.json", encoding="utf-8"))
assert c["content"]["value"] == file_hash.hexdigest(), "SHA-256 differs"
leaf = open("leaf.bin", "rb").read()
assert len(leaf) == 106 and leaf[:2] == b"\1\1", "not a capture leaf"
for role, at in (("actor", 10), ("subject", 42), ("content", 74)):
    opened = sha256(b"amparo-commitment-v1\0" + role.encode() + b"\0"
                    + bytes.fromhex(c[role]["salt"]) + c[role]["value"].encode())
    assert opened == leaf[at:at + 32], role + " commitment does not open"
p = json.load(open("proof.json"))
h = sha256(b"\0" + leaf)
assert base64.b64encode(h).decode() == p["leafHash"], "leaf hash differs"
i, n = p["leafIdx"], p["treeSize"] - 1
for sibling in map(base64.b64decode, p["proof"] or []):
    assert n > 0, "proof too long"
    if i % 2 == 1 or i == n:
        h = sha256(b"\1" + sibling + h)
        while i % 2 == 0 and i != 0:
            i, n = i >> 1, n >> 1
    else:
        h = sha256(b"\1" + h + sibling)
    i, n = i >> 1, n >> 1
assert n == 0 and base64.b64encode(h).decode() == p["root"], "proof fails"
lines = open("checkpoint.txt", encoding="utf-8").read().split("\n")
assert lines[1:3] == [str(p["treeSize"]), p["root"]], "checkpoint differs"
print("OK")
"#;

/// Quotes text for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The English README.
pub(crate) fn english(facts: &ReadmeFacts<'_>) -> String {
    let path = format!("{EVIDENCE_DIR}{}", facts.evidence_name);
    let quoted = shell_quote(&path);
    let key = shell_quote(facts.verifier_key);
    format!(
        "AMPARO EVIDENCE BUNDLE (format version 1)

This text explains what this bundle is and how anyone can check it without
trusting Amparo or whoever made the bundle. It is only an explanation:
nothing in this text is itself checked.

WHAT THE BUNDLE SHOWS

The installation that runs the log named below keeps an evidence log: an
append-only list with one entry for every file it captured, whose state it
signs and publishes. This bundle holds one captured file and everything
needed to show that this file, byte for byte, is the one the log recorded.

  File:          {path}
  SHA-256:       {sha}
  Recorded at:   {recorded} (UTC, as the log entry states)
  Log entry:     number {index} (counting from 0) of the {size} entries
  Root hash:     {root}
  Log:           {origin}
  Log key:       {vkey}

WHAT IS INSIDE

  {path}
                     the captured file, exactly as received
  leaf.bin           the log entry (106 bytes): its kind, its time and three
                     commitments (salted hashes)
  commitments.json   what the commitments hide: who captured the file, which
                     capture it is and the file's SHA-256, each with its
                     random salt
  proof.json         the inclusion proof: the hashes that link the entry to
                     the log's root hash (RFC 9162, section 2.1.3)
  checkpoint.txt     the log's signed state: its name, its number of entries
                     and its root hash (C2SP tlog-checkpoint, signed-note)
  verifier-key.txt   the public key the log signs with

THE KEY MATTERS

Anyone can build a bundle with a key of their own. The checks below show
that the file is in the log signed by the key in verifier-key.txt; they show
that it is this installation's log only if that key is the one the
installation published. Compare the key above, character by character, with
the published one, or give the published key to the command below.

CHECKING WITH AMPARO

    amparo bundle verify bundle.zip --key {key}

It prints one line per check and ends with VERIFIED only if every check
holds. Exit code 0: verified against the key you gave; 3: every check held
but you gave no key; 1: a check failed.

CHECKING BY HAND

Unzip the bundle, then, in the unzipped folder:

1. The file's fingerprint:

       sha256sum {quoted}

   (macOS: shasum -a 256 ...; Windows PowerShell: Get-FileHash ...). The
   result must be {sha}
   (upper or lower case does not matter).

2. Commitments, entry, proof and checkpoint: save the lines between the
   markers as check.py and run python3 check.py. It prints OK, or stops with
   an error naming what does not hold.

----- check.py -----
{check_py}----- end of check.py -----

3. The signature: checkpoint.txt ends with an Ed25519 signature line
   (C2SP signed-note). Checking it needs a cryptography library:
   amparo bundle verify does it, as does any signed-note implementation,
   such as the Go package golang.org/x/mod/sumdb/note.
",
        sha = facts.sha256_hex,
        recorded = facts.recorded_at,
        index = facts.leaf_index,
        size = facts.tree_size,
        root = facts.root_base64,
        origin = facts.origin,
        vkey = facts.verifier_key,
        check_py = CHECK_PY,
    )
}

/// The Spanish README.
pub(crate) fn spanish(facts: &ReadmeFacts<'_>) -> String {
    let path = format!("{EVIDENCE_DIR}{}", facts.evidence_name);
    let quoted = shell_quote(&path);
    let key = shell_quote(facts.verifier_key);
    format!(
        "PAQUETE DE EVIDENCIA DE AMPARO (versión 1 del formato)

Este texto explica qué es este paquete y cómo cualquier persona puede
comprobarlo sin tener que confiar en Amparo ni en quien lo preparó. Es solo
una explicación: el contenido de este texto no se verifica.

QUÉ DEMUESTRA EL PAQUETE

La instalación que lleva el registro indicado abajo mantiene un registro de
evidencias: una lista a la que solo se pueden añadir entradas, una por cada
archivo capturado, y cuyo estado la instalación firma y publica. Este paquete
contiene un archivo capturado y todo lo necesario para demostrar que ese
archivo, byte a byte, es el que quedó registrado.

  Archivo:            {path}
  SHA-256:            {sha}
  Registrado el:      {recorded} (UTC, según la entrada del registro)
  Entrada:            número {index} (contando desde 0) de {size}
  Hash raíz:          {root}
  Registro:           {origin}
  Clave del registro: {vkey}

QUÉ CONTIENE

  {path}
                     el archivo capturado, tal como se recibió
  leaf.bin           la entrada del registro (106 bytes): su tipo, su fecha y
                     tres compromisos (hashes con sal)
  commitments.json   lo que ocultan los compromisos: quién capturó el
                     archivo, de qué captura se trata y el SHA-256 del
                     archivo, cada uno con su sal aleatoria
  proof.json         la prueba de inclusión: los hashes que enlazan la
                     entrada con el hash raíz del registro (RFC 9162,
                     sección 2.1.3)
  checkpoint.txt     el estado firmado del registro: su nombre, su número de
                     entradas y su hash raíz (C2SP tlog-checkpoint,
                     signed-note)
  verifier-key.txt   la clave pública con la que firma el registro

LA CLAVE ES LO IMPORTANTE

Cualquiera puede armar un paquete con una clave propia. Las comprobaciones
de abajo demuestran que el archivo está en el registro firmado con la clave
de verifier-key.txt; demuestran que se trata del registro de esta
instalación solo si esa clave es la que la instalación hizo pública. Compare
la clave de arriba, carácter por carácter, con la publicada, o indique la
clave publicada en el comando de abajo.

COMPROBAR CON AMPARO

    amparo bundle verify bundle.zip --key {key}

Muestra una línea por comprobación y termina con VERIFIED solo si todas se
cumplen. Código de salida 0: verificado con la clave que usted indicó;
3: todo se cumple, pero no indicó ninguna clave; 1: alguna comprobación falló.

COMPROBAR A MANO

Descomprima el paquete y, dentro de la carpeta resultante:

1. La huella del archivo:

       sha256sum {quoted}

   (en macOS: shasum -a 256 ...; en Windows PowerShell: Get-FileHash ...).
   El resultado tiene que ser {sha}
   (da igual si aparece en mayúsculas o minúsculas).

2. Compromisos, entrada, prueba y checkpoint: guarde las líneas entre las
   marcas como check.py y ejecute python3 check.py. Muestra OK, o se detiene
   con un error que indica qué no se cumple.

----- check.py -----
{check_py}----- fin de check.py -----

3. La firma: checkpoint.txt termina con una línea de firma Ed25519 (C2SP
   signed-note). Para comprobarla hace falta una biblioteca criptográfica:
   amparo bundle verify lo hace, igual que cualquier implementación de
   signed-note, como el paquete de Go golang.org/x/mod/sumdb/note.
",
        sha = facts.sha256_hex,
        recorded = facts.recorded_at,
        index = facts.leaf_index,
        size = facts.tree_size,
        root = facts.root_base64,
        origin = facts.origin,
        vkey = facts.verifier_key,
        check_py = CHECK_PY,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(shell_quote("evidence/a b.mp4"), "'evidence/a b.mp4'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}

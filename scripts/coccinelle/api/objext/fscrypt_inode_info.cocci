// SPDX-License-Identifier: GPL-2.0-only
///
/// Read the fscrypt info of an inode with fscrypt_get_inode_info(),
/// not from i_crypt_info: inodes keep the info pointer in an objext
/// slot set when the key is set up, and the field is gone from
/// struct inode.
///
// Confidence: High
// Options: --no-includes --include-headers
//
// Keywords: i_crypt_info, fscrypt_get_inode_info, objext
//

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
# The accessor and the code that frees the info use the field itself
# (before it moves) and are converted by hand.
accessors = frozenset(['fscrypt_get_inode_info',
                       'fscrypt_put_encryption_info'])
msg = 'WARNING: i_crypt_info is gone, use fscrypt_get_inode_info()'

def relevant(p):
    return not (accessors & {el.current_element for el in p})

// Reads only.  Each of them follows a check that the key is set up (or
// tolerates NULL), and the info never changes once set, so the acquire
// load of the accessor orders nothing the plain load did not already
// rely on.  Taking the field's address or assigning it is left for a
// human: report mode lists those.
@read depends on patch@
expression E, V;
position p : script:python() { relevant(p) };
@@

(
  &E->i_crypt_info
|
  E->i_crypt_info = V
|
- E@p->i_crypt_info
+ fscrypt_get_inode_info(E)
)

@use depends on !patch@
expression E;
position p : script:python() { relevant(p) };
@@

* E@p->i_crypt_info

@script:python depends on report@
p << use.p;
@@

coccilib.report.print_report(p[0], msg)

@script:python depends on org@
p << use.p;
@@

coccilib.org.print_todo(p[0], msg)

// SPDX-License-Identifier: GPL-2.0-only
///
/// Read the file lock context of an inode with locks_inode_context(),
/// not from i_flctx: inodes keep the context pointer in an objext slot
/// set by the first lock or lease, and the field is gone from
/// struct inode.
///
// Confidence: High
// Options: --no-includes --include-headers
//
// Keywords: i_flctx, locks_inode_context, objext
//

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
# The accessor and the code that installs the context use the field
# itself (before it moves); break_layout() reads it twice in one test
# and is converted by hand.
accessors = frozenset(['locks_inode_context', 'locks_get_lock_context',
                       'break_layout'])
msg = 'WARNING: i_flctx is gone, use locks_inode_context()'

def relevant(p):
    return not (accessors & {el.current_element for el in p})

// Reads only.  The context never goes away while the inode lives,
// so the acquire load of the accessor is as good as READ_ONCE().
// Taking the field's address or assigning it is left for a human:
// report mode lists those.
@read depends on patch@
expression E, V;
position p : script:python() { relevant(p) };
@@

(
  &E->i_flctx
|
  E->i_flctx = V
|
- READ_ONCE(E@p->i_flctx)
+ locks_inode_context(E)
|
- E@p->i_flctx
+ locks_inode_context(E)
)

@use depends on !patch@
expression E;
position p : script:python() { relevant(p) };
@@

* E@p->i_flctx

@script:python depends on report@
p << use.p;
@@

coccilib.report.print_report(p[0], msg)

@script:python depends on org@
p << use.p;
@@

coccilib.org.print_todo(p[0], msg)

// SPDX-License-Identifier: GPL-2.0-only
///
/// Reach the fsnotify mark connector of an inode through
/// fsnotify_inode_connp() and fsnotify_inode_has_marks(), not
/// through i_fsnotify_marks: inodes keep the connector pointer in
/// an objext slot set by the first mark, and the field is gone
/// from struct inode.
///
/// Patch mode converts &E->i_fsnotify_marks and the tests whose
/// meaning is plain: !E->i_fsnotify_marks, E->i_fsnotify_marks != NULL
/// and likely()/unlikely() of the field.  Other reads, such as
/// if (E->i_fsnotify_marks), == NULL, or rcu_dereference(),
/// rcu_access_pointer() and READ_ONCE() of the field, are left to a
/// human: report mode lists every use, converted or not.  The audit
/// tree's hash key (inode_to_key()) is left as it is: it takes the
/// field's address as a number and reaches no connector through it.
///
// Confidence: High
// Options: --no-includes --include-headers
//
// Keywords: i_fsnotify_marks, fsnotify_inode_connp, objext
//

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
# The accessors themselves read the field (before it moves).
accessors = frozenset(['fsnotify_inode_connp',
                       'fsnotify_inode_has_marks'])
msg = ('WARNING: i_fsnotify_marks is gone, use fsnotify_inode_connp()'
       ' or fsnotify_inode_has_marks()')

def relevant(p):
    return not (accessors & {el.current_element for el in p})

# The audit tree's hash key is the field's address as a number, no
# way to the connector: it changes where the field goes, not here.
kept = frozenset(['inode_to_key'])

def convertible(p):
    names = {el.current_element for el in p}
    return not ((accessors | kept) & names)

@connp depends on patch@
expression E;
type T;
position p : script:python() { convertible(p) };
@@

(
- &((struct inode *)E)@p->i_fsnotify_marks
+ fsnotify_inode_connp(E)
|
- (T)&E@p->i_fsnotify_marks
+ (T)fsnotify_inode_connp(E)
|
- &E@p->i_fsnotify_marks
+ fsnotify_inode_connp(E)
)

// Only tests whose meaning is plain; report mode lists the other uses
// for a human.  Without the unlikely isomorphism (which also covers
// likely), unlikely(E) would match any E.
@has_marks depends on patch disable unlikely@
expression E;
position p : script:python() { relevant(p) };
@@

(
- !E@p->i_fsnotify_marks
+ !fsnotify_inode_has_marks(E)
|
- E@p->i_fsnotify_marks != NULL
+ fsnotify_inode_has_marks(E)
|
- unlikely(E@p->i_fsnotify_marks)
+ unlikely(fsnotify_inode_has_marks(E))
|
- likely(E@p->i_fsnotify_marks)
+ likely(fsnotify_inode_has_marks(E))
)

@use depends on !patch@
expression E;
position p : script:python() { relevant(p) };
@@

* E@p->i_fsnotify_marks

@script:python depends on report@
p << use.p;
@@

coccilib.report.print_report(p[0], msg)

@script:python depends on org@
p << use.p;
@@

coccilib.org.print_todo(p[0], msg)

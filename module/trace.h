/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wqfault tracepoints (system "wqfault"). Use them with the kernel's own
 * workqueue:* events: a parked item is a workqueue_queue_work with no
 * workqueue_activate_work; the work= pointers here match theirs.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM wqfault

#if !defined(_WQFAULT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _WQFAULT_TRACE_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(wqfault_request_class,
		    TP_PROTO(u64 run, u32 req, u32 share, void *work),
		    TP_ARGS(run, req, share, work),
		    TP_STRUCT__entry(__field(u64, run)
				     __field(u32, req)
				     __field(u32, share)
				     __field(void *, work)
				     __field(int, cpu)),
		    TP_fast_assign(__entry->run = run;
				   __entry->req = req;
				   __entry->share = share;
				   __entry->work = work;
				   __entry->cpu = raw_smp_processor_id();),
		    TP_printk("run=%llu req=%u share=%u work=%p cpu=%d",
			      __entry->run, __entry->req, __entry->share,
			      __entry->work, __entry->cpu));

#define WQF_REQUEST_EVENT(name) \
	DEFINE_EVENT(wqfault_request_class, name, \
		     TP_PROTO(u64 run, u32 req, u32 share, void *work), \
		     TP_ARGS(run, req, share, work))

/* starve: the client queued a request, a worker started it, ... */
WQF_REQUEST_EVENT(wqfault_request_queued);
WQF_REQUEST_EVENT(wqfault_request_started);
WQF_REQUEST_EVENT(wqfault_request_waiting);
WQF_REQUEST_EVENT(wqfault_request_woken);
WQF_REQUEST_EVENT(wqfault_request_completed);

DECLARE_EVENT_CLASS(wqfault_connect_class,
		    TP_PROTO(u64 run, u32 share, void *work),
		    TP_ARGS(run, share, work),
		    TP_STRUCT__entry(__field(u64, run)
				     __field(u32, share)
				     __field(void *, work)
				     __field(int, cpu)),
		    TP_fast_assign(__entry->run = run;
				   __entry->share = share;
				   __entry->work = work;
				   __entry->cpu = raw_smp_processor_id();),
		    TP_printk("run=%llu share=%u work=%p cpu=%d", __entry->run,
			      __entry->share, __entry->work, __entry->cpu));

#define WQF_CONNECT_EVENT(name) \
	DEFINE_EVENT(wqfault_connect_class, name, \
		     TP_PROTO(u64 run, u32 share, void *work), \
		     TP_ARGS(run, share, work))

/* starve: a connect item was queued, began running, connected its share */
WQF_CONNECT_EVENT(wqfault_connect_queued);
WQF_CONNECT_EVENT(wqfault_connect_activated);
WQF_CONNECT_EVENT(wqfault_connect_done);

/* Any scenario: the verdict, when it is decided (before unwinding). */
TRACE_EVENT(wqfault_verdict,
	    TP_PROTO(u64 run, u32 scenario, u32 variant, u32 verdict, u64 verdict_us),
	    TP_ARGS(run, scenario, variant, verdict, verdict_us),
	    TP_STRUCT__entry(__field(u64, run)
			     __field(u32, scenario)
			     __field(u32, variant)
			     __field(u32, verdict)
			     __field(u64, verdict_us)),
	    TP_fast_assign(__entry->run = run;
			   __entry->scenario = scenario;
			   __entry->variant = variant;
			   __entry->verdict = verdict;
			   __entry->verdict_us = verdict_us;),
	    TP_printk("run=%llu scenario=%u variant=%u verdict=%s verdict_us=%llu",
		      __entry->run, __entry->scenario, __entry->variant,
		      __print_symbolic(__entry->verdict,
				       { WQF_VERDICT_NONE, "NONE" },
				       { WQF_VERDICT_COMPLETED, "COMPLETED" },
				       { WQF_VERDICT_DEADLOCK, "DEADLOCK" },
				       { WQF_VERDICT_LEAKED, "LEAKED" },
				       { WQF_VERDICT_ABORTED, "ABORTED" }),
		      __entry->verdict_us));

/* leak: a fault site decided to fail was reached and failed. */
#include "fault.h"

TRACE_EVENT(wqfault_fault_injected,
	    TP_PROTO(u64 run, u32 point, u32 party, u32 site),
	    TP_ARGS(run, point, party, site),
	    TP_STRUCT__entry(__field(u64, run)
			     __field(u32, point)
			     __field(u32, party)
			     __field(u32, site)),
	    TP_fast_assign(__entry->run = run;
			   __entry->point = point;
			   __entry->party = party;
			   __entry->site = site;),
	    TP_printk("run=%llu point=%s party=%u site=%u", __entry->run,
		      __print_symbolic(__entry->point,
				       { WQF_FAULT_WRITE, "fail_write" },
				       { WQF_FAULT_CLOSE, "fail_close" },
				       { WQF_FAULT_CONNECT, "fail_connect" },
				       { WQF_FAULT_DELAY, "delay" }),
		      __entry->party, __entry->site));

#endif /* _WQFAULT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>

"""URLs for beta programmes, feedback and touchpoints (HTML, the REST API and the public
touchpoint endpoint). Programmes themselves are Wagtail pages."""

from django.urls import path

from feedback import api, api_dashboard, public, views
from feedback.views import dashboard, inbox, routing

urlpatterns = [
    path("go/betas/", views.programmes, name="feedback_programmes"),
    path("betas/<id:pk>/enrol/", views.enrol, name="feedback_enrol"),
    path("betas/<id:pk>/leave/", views.leave, name="feedback_leave"),
    path("betas/<id:pk>/invite/<str:token>/", views.invite, name="feedback_invite"),
    path("betas/<id:pk>/new/", views.new_thread, name="feedback_new_thread"),
    path("betas/<id:pk>/members/", views.programme_members, name="feedback_programme_members"),
    path("betas/<id:pk>/wave/", views.admit_wave, name="feedback_admit_wave"),
    path("betas/applications/<id:pk>/", views.decide, name="feedback_decide"),
    path("feedback/thread/<id:pk>/", views.thread_detail, name="feedback_thread"),
    path("feedback/thread/<id:pk>/reply/", views.thread_reply, name="feedback_reply"),
    path("feedback/thread/<id:pk>/posts/", views.thread_posts_fragment, name="feedback_posts_fragment"),
    path("feedback/screenshot/<id:pk>/", views.screenshot, name="feedback_screenshot"),
    path("feedback/item/<id:pk>/", views.item_detail, name="feedback_item"),
    path("feedback/item/<id:pk>/status/", views.item_status, name="feedback_item_status"),
    path("feedback/item/<id:pk>/tags/", views.item_tags, name="feedback_item_tags"),
    path("feedback/item/<id:pk>/note/", views.item_note, name="feedback_item_note"),
    path("feedback/item/<id:pk>/reroute/", routing.item_reroute, name="feedback_item_reroute"),
    path("feedback/mine/", views.my_feedback, name="feedback_mine"),
    path("feedback/all/", views.staff_feedback, name="feedback_staff"),
    path("staff/dashboard/", dashboard.dashboard, name="staff_dashboard"),
    path("feedback/touchpoints/", views.touchpoints, name="feedback_touchpoints"),
    path("staff/routing/", routing.routing_rules, name="feedback_routing"),
    path("staff/routing/new/", routing.routing_rule_new, name="feedback_routing_new"),
    path("staff/routing/reapply/", routing.routing_reapply, name="feedback_routing_reapply"),
    path("staff/routing/<id:pk>/", routing.routing_rule_edit, name="feedback_routing_edit"),
    path("staff/routing/<id:pk>/move/", routing.routing_rule_move, name="feedback_routing_move"),
    path("staff/routing/<id:pk>/delete/", routing.routing_rule_delete, name="feedback_routing_delete"),
    path("feedback/touchpoints/<id:pk>/demo/", views.touchpoint_demo, name="feedback_touchpoint_demo"),
    path("feedback/touchpoints/<id:pk>/revoke/", views.revoke, name="feedback_touchpoint_revoke"),
    # The team inbox (staff)
    path("staff/inbox/", inbox.inbox_index, name="feedback_inbox_index"),
    path("staff/inbox/item/<id:pk>/", inbox.inbox_item, name="feedback_inbox_item"),
    path("staff/inbox/item/<id:pk>/status/", inbox.inbox_item_status, name="feedback_inbox_item_status"),
    path("staff/inbox/item/<id:pk>/assign/", inbox.inbox_item_assign, name="feedback_inbox_item_assign"),
    path("staff/inbox/item/<id:pk>/tags/", inbox.inbox_item_tags, name="feedback_inbox_item_tags"),
    path("staff/inbox/item/<id:pk>/watchers/", inbox.inbox_item_watchers, name="feedback_inbox_item_watchers"),
    path("staff/inbox/item/<id:pk>/note/", inbox.inbox_item_note, name="feedback_inbox_item_note"),
    path("staff/inbox/<str:ref>/", inbox.team_inbox, name="feedback_inbox"),
    path("staff/inbox/<str:ref>/rows/", inbox.inbox_rows, name="feedback_inbox_rows"),
    # Public: pages on the touchpoint's allowed origins call it (see feedback/public.py).
    path("touchpoint/v1/<str:key>/", public.touchpoint, name="touchpoint_answer"),
    # REST API (same services and queries)
    path("api/v1/betas/", api.ProgrammeList.as_view(), name="api_betas"),
    path("api/v1/betas/<id:pk>/", api.ProgrammeDetail.as_view(), name="api_beta"),
    path("api/v1/betas/<id:pk>/enrol/", api.ProgrammeEnrol.as_view(), name="api_beta_enrol"),
    path("api/v1/betas/<id:pk>/leave/", api.ProgrammeLeave.as_view(), name="api_beta_leave"),
    path("api/v1/betas/<id:pk>/applications/", api.ProgrammeApplications.as_view(), name="api_beta_applications"),
    path("api/v1/beta-applications/<id:pk>/decision/", api.ApplicationDecision.as_view(),
         name="api_beta_application_decision"),
    path("api/v1/betas/<id:pk>/threads/", api.ProgrammeThreads.as_view(), name="api_beta_threads"),
    path("api/v1/beta-threads/<id:pk>/", api.ThreadDetail.as_view(), name="api_beta_thread"),
    path("api/v1/beta-threads/<id:pk>/posts/", api.ThreadPosts.as_view(), name="api_beta_thread_posts"),
    path("api/v1/feedback/mine/", api.MyFeedback.as_view(), name="api_my_feedback"),
    path("api/v1/feedback/<id:pk>/", api.ItemDetail.as_view(), name="api_feedback_item"),
    path("api/v1/feedback/<id:pk>/status/", api.ItemStatusView.as_view(), name="api_feedback_item_status"),
    path("api/v1/feedback/<id:pk>/tags/", api.ItemTags.as_view(), name="api_feedback_item_tags"),
    path("api/v1/tags/", api.TagList.as_view(), name="api_tags"),
    path("api/v1/dashboard/", api_dashboard.Dashboard.as_view(), name="api_dashboard"),
]

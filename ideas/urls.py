"""URLs for ideas (HTML) and the ideas REST API. Boards themselves are Wagtail pages."""

from django.urls import path

from ideas import api, views

urlpatterns = [
    path("go/ideas/", views.boards, name="idea_boards"),
    path("boards/<id:board_id>/new/", views.post_idea, name="idea_new"),
    path("boards/<id:board_id>/similar/", views.similar, name="idea_similar"),
    path("idea/<id:pk>/", views.idea_detail, name="idea_detail_short"),
    path("idea/<id:pk>/vote/", views.vote, name="idea_vote"),
    path("idea/<id:pk>/follow/", views.follow, name="idea_follow"),
    path("idea/<id:pk>/comment/", views.comment, name="idea_comment"),
    path("idea/<id:pk>/comments/", views.comments_fragment, name="idea_comments_fragment"),
    path("idea/<id:pk>/edit/", views.edit_idea, name="idea_edit"),
    path("idea/<id:pk>/withdraw/", views.withdraw, name="idea_withdraw"),
    # Staff
    path("idea/<id:pk>/status/", views.change_status, name="idea_status"),
    path("idea/<id:pk>/merge/", views.merge, name="idea_merge"),
    path("idea/<id:pk>/approve/", views.approve, name="idea_approve"),
    path("idea/<id:pk>/reject/", views.reject, name="idea_reject"),
    path("idea/<id:pk>/vote-for/", views.vote_for, name="idea_vote_for"),
    # Last of the idea routes: a slug would otherwise swallow "vote", "follow", "status"...
    path("idea/<id:pk>-<slug:slug>/", views.idea_detail, name="idea_detail"),
    path("comment/<id:pk>/edit/", views.edit_comment, name="comment_edit"),
    path("comment/<id:pk>/delete/", views.delete_comment, name="comment_delete"),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("shipped/", views.shipped, name="shipped"),
    # REST API (same services and queries)
    path("api/v1/boards/", api.BoardList.as_view(), name="api_boards"),
    path("api/v1/boards/<id:board_id>/", api.BoardDetail.as_view(), name="api_board"),
    path("api/v1/boards/<id:board_id>/ideas/", api.BoardIdeas.as_view(), name="api_board_ideas"),
    path("api/v1/ideas/<id:pk>/", api.IdeaDetail.as_view(), name="api_idea"),
    path("api/v1/ideas/<id:pk>/withdraw/", api.IdeaWithdraw.as_view(), name="api_idea_withdraw"),
    path("api/v1/ideas/<id:pk>/vote/", api.IdeaVote.as_view(), name="api_idea_vote"),
    path("api/v1/ideas/<id:pk>/follow/", api.IdeaFollow.as_view(), name="api_idea_follow"),
    path("api/v1/ideas/<id:pk>/comments/", api.IdeaComments.as_view(), name="api_idea_comments"),
    path("api/v1/comments/<id:pk>/", api.CommentDetail.as_view(), name="api_comment"),
    path("api/v1/ideas/<id:pk>/status/", api.IdeaStatus.as_view(), name="api_idea_status"),
    path("api/v1/ideas/<id:pk>/approve/", api.IdeaApprove.as_view(), name="api_idea_approve"),
    path("api/v1/ideas/<id:pk>/reject/", api.IdeaReject.as_view(), name="api_idea_reject"),
    path("api/v1/ideas/<id:pk>/merge/", api.IdeaMerge.as_view(), name="api_idea_merge"),
]

from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.article_submit_page, name="article_submit"),
    path("submit/text/", views.article_submit_text, name="article_submit_text"),
    path("submit/url/", views.article_submit_url, name="article_submit_url"),
    path("submit/upload/", views.article_submit_upload, name="article_submit_upload"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/progress/", views.article_progress, name="article_progress"),
    path("queue/", views.claim_queue, name="claim_queue"),
    path("queue/assign/", views.claim_assignment, name="claim_assignment"),
    path("queue/verdict/", views.claim_bulk_verdict, name="claim_bulk_verdict"),
    path("queue/notices/seen/", views.takeover_notices_seen, name="takeover_notices_seen"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/review/", views.claim_review, name="claim_review"),
    path("claims/<int:pk>/quick-verdict/", views.claim_quick_verdict, name="claim_quick_verdict"),
    path("claims/<int:pk>/correct/", views.claim_correction, name="claim_correction"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("stories/", views.story_list, name="story_list"),
    path("stories/<int:pk>/", views.story_detail, name="story_detail"),
    path("stories/<int:pk>/rename/", views.story_rename_view, name="story_rename"),
    path("stories/<int:pk>/merge/", views.story_merge_view, name="story_merge"),
    path("stories/<int:pk>/split/", views.story_split_view, name="story_split"),
    path("stories/<int:pk>/move/", views.story_article_move, name="story_article_move"),
]

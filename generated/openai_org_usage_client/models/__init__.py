"""Contains all the data models used in inputs/outputs"""

from .admin_api_key import AdminApiKey
from .admin_api_key_object import AdminApiKeyObject
from .admin_api_key_owner import AdminApiKeyOwner
from .admin_api_keys_list_order import AdminApiKeysListOrder
from .api_key_list import ApiKeyList
from .api_key_list_object import ApiKeyListObject
from .audit_log import AuditLog
from .audit_log_actor import AuditLogActor
from .audit_log_actor_api_key import AuditLogActorApiKey
from .audit_log_actor_api_key_type import AuditLogActorApiKeyType
from .audit_log_actor_service_account import AuditLogActorServiceAccount
from .audit_log_actor_session import AuditLogActorSession
from .audit_log_actor_type import AuditLogActorType
from .audit_log_actor_user import AuditLogActorUser
from .audit_log_api_key_created import AuditLogApiKeyCreated
from .audit_log_api_key_created_data import AuditLogApiKeyCreatedData
from .audit_log_api_key_deleted import AuditLogApiKeyDeleted
from .audit_log_api_key_updated import AuditLogApiKeyUpdated
from .audit_log_api_key_updated_changes_requested import AuditLogApiKeyUpdatedChangesRequested
from .audit_log_event_type import AuditLogEventType
from .audit_log_project import AuditLogProject
from .audit_log_rate_limit_deleted import AuditLogRateLimitDeleted
from .audit_log_rate_limit_updated import AuditLogRateLimitUpdated
from .audit_log_rate_limit_updated_changes_requested import AuditLogRateLimitUpdatedChangesRequested
from .costs_bucket import CostsBucket
from .costs_bucket_object import CostsBucketObject
from .costs_page import CostsPage
from .costs_page_object import CostsPageObject
from .costs_result import CostsResult
from .costs_result_amount import CostsResultAmount
from .costs_result_api_source_type_0 import CostsResultApiSourceType0
from .costs_result_object import CostsResultObject
from .costs_result_quantity_unit_type_1 import CostsResultQuantityUnitType1
from .error import Error
from .error_response import ErrorResponse
from .health_alert_rule import HealthAlertRule
from .health_alert_rule_condition import HealthAlertRuleCondition
from .health_alert_rule_condition_metric import HealthAlertRuleConditionMetric
from .health_alert_rule_condition_source_tier import HealthAlertRuleConditionSourceTier
from .health_alert_rule_condition_status_class import HealthAlertRuleConditionStatusClass
from .health_alert_rule_condition_type import HealthAlertRuleConditionType
from .health_alert_rule_filters import HealthAlertRuleFilters
from .health_alert_rule_filters_service_tiers_item import HealthAlertRuleFiltersServiceTiersItem
from .health_alert_rule_list_response import HealthAlertRuleListResponse
from .health_alert_rule_list_response_object import HealthAlertRuleListResponseObject
from .health_alert_rule_notifications import HealthAlertRuleNotifications
from .health_alert_rule_notifications_email import HealthAlertRuleNotificationsEmail
from .health_alert_rule_notifications_webhook import HealthAlertRuleNotificationsWebhook
from .health_alert_rule_object import HealthAlertRuleObject
from .list_audit_logs_effective_at import ListAuditLogsEffectiveAt
from .list_audit_logs_response import ListAuditLogsResponse
from .list_audit_logs_response_object import ListAuditLogsResponseObject
from .list_organization_health_alert_rules_type import ListOrganizationHealthAlertRulesType
from .list_organization_spend_alerts_order import ListOrganizationSpendAlertsOrder
from .list_project_api_keys_owner_project_access import ListProjectApiKeysOwnerProjectAccess
from .list_project_health_alert_rules_type import ListProjectHealthAlertRulesType
from .list_project_spend_alerts_order import ListProjectSpendAlertsOrder
from .organization_spend_alert import OrganizationSpendAlert
from .organization_spend_alert_currency import OrganizationSpendAlertCurrency
from .organization_spend_alert_interval import OrganizationSpendAlertInterval
from .organization_spend_alert_list_resource import OrganizationSpendAlertListResource
from .organization_spend_alert_list_resource_object import OrganizationSpendAlertListResourceObject
from .organization_spend_alert_object import OrganizationSpendAlertObject
from .organization_spend_limit_resource import OrganizationSpendLimitResource
from .organization_spend_limit_resource_object import OrganizationSpendLimitResourceObject
from .organization_user import OrganizationUser
from .organization_user_object import OrganizationUserObject
from .organization_user_projects_type_0 import OrganizationUserProjectsType0
from .organization_user_projects_type_0_data_item import OrganizationUserProjectsType0DataItem
from .organization_user_projects_type_0_object import OrganizationUserProjectsType0Object
from .organization_user_user import OrganizationUserUser
from .organization_user_user_object import OrganizationUserUserObject
from .project import Project
from .project_api_key import ProjectApiKey
from .project_api_key_list_response import ProjectApiKeyListResponse
from .project_api_key_list_response_object import ProjectApiKeyListResponseObject
from .project_api_key_object import ProjectApiKeyObject
from .project_api_key_owner import ProjectApiKeyOwner
from .project_api_key_owner_project_access import ProjectApiKeyOwnerProjectAccess
from .project_api_key_owner_service_account import ProjectApiKeyOwnerServiceAccount
from .project_api_key_owner_type import ProjectApiKeyOwnerType
from .project_api_key_owner_user import ProjectApiKeyOwnerUser
from .project_api_key_spend_limit import ProjectApiKeySpendLimit
from .project_api_key_spend_limit_currency import ProjectApiKeySpendLimitCurrency
from .project_api_key_spend_limit_enforcement import ProjectApiKeySpendLimitEnforcement
from .project_api_key_spend_limit_enforcement_status import ProjectApiKeySpendLimitEnforcementStatus
from .project_api_key_spend_limit_interval import ProjectApiKeySpendLimitInterval
from .project_list_response import ProjectListResponse
from .project_list_response_object import ProjectListResponseObject
from .project_object import ProjectObject
from .project_rate_limit import ProjectRateLimit
from .project_rate_limit_list_response import ProjectRateLimitListResponse
from .project_rate_limit_list_response_object import ProjectRateLimitListResponseObject
from .project_rate_limit_object import ProjectRateLimitObject
from .project_service_account import ProjectServiceAccount
from .project_service_account_list_response import ProjectServiceAccountListResponse
from .project_service_account_list_response_object import ProjectServiceAccountListResponseObject
from .project_service_account_object import ProjectServiceAccountObject
from .project_service_account_role import ProjectServiceAccountRole
from .project_spend_alert import ProjectSpendAlert
from .project_spend_alert_currency import ProjectSpendAlertCurrency
from .project_spend_alert_interval import ProjectSpendAlertInterval
from .project_spend_alert_list_resource import ProjectSpendAlertListResource
from .project_spend_alert_list_resource_object import ProjectSpendAlertListResourceObject
from .project_spend_alert_object import ProjectSpendAlertObject
from .project_spend_limit_resource import ProjectSpendLimitResource
from .project_spend_limit_resource_object import ProjectSpendLimitResourceObject
from .public_project_residency import PublicProjectResidency
from .spend_alert_notification_channel import SpendAlertNotificationChannel
from .spend_alert_notification_channel_type import SpendAlertNotificationChannelType
from .spend_limit_currency_type_1 import SpendLimitCurrencyType1
from .spend_limit_enforcement import SpendLimitEnforcement
from .spend_limit_enforcement_status_type_1 import SpendLimitEnforcementStatusType1
from .spend_limit_interval_type_1 import SpendLimitIntervalType1
from .spend_limit_notification_channel import SpendLimitNotificationChannel
from .spend_limit_notification_channel_type import SpendLimitNotificationChannelType
from .unknown_usage_result import UnknownUsageResult
from .usage_audio_speeches_bucket import UsageAudioSpeechesBucket
from .usage_audio_speeches_bucket_object import UsageAudioSpeechesBucketObject
from .usage_audio_speeches_bucket_width import UsageAudioSpeechesBucketWidth
from .usage_audio_speeches_group_by_item import UsageAudioSpeechesGroupByItem
from .usage_audio_speeches_page import UsageAudioSpeechesPage
from .usage_audio_speeches_page_object import UsageAudioSpeechesPageObject
from .usage_audio_speeches_result import UsageAudioSpeechesResult
from .usage_audio_speeches_result_object import UsageAudioSpeechesResultObject
from .usage_audio_transcriptions_bucket import UsageAudioTranscriptionsBucket
from .usage_audio_transcriptions_bucket_object import UsageAudioTranscriptionsBucketObject
from .usage_audio_transcriptions_bucket_width import UsageAudioTranscriptionsBucketWidth
from .usage_audio_transcriptions_group_by_item import UsageAudioTranscriptionsGroupByItem
from .usage_audio_transcriptions_page import UsageAudioTranscriptionsPage
from .usage_audio_transcriptions_page_object import UsageAudioTranscriptionsPageObject
from .usage_audio_transcriptions_result import UsageAudioTranscriptionsResult
from .usage_audio_transcriptions_result_object import UsageAudioTranscriptionsResultObject
from .usage_code_interpreter_sessions_bucket import UsageCodeInterpreterSessionsBucket
from .usage_code_interpreter_sessions_bucket_object import UsageCodeInterpreterSessionsBucketObject
from .usage_code_interpreter_sessions_bucket_width import UsageCodeInterpreterSessionsBucketWidth
from .usage_code_interpreter_sessions_group_by_item import UsageCodeInterpreterSessionsGroupByItem
from .usage_code_interpreter_sessions_page import UsageCodeInterpreterSessionsPage
from .usage_code_interpreter_sessions_page_object import UsageCodeInterpreterSessionsPageObject
from .usage_code_interpreter_sessions_result import UsageCodeInterpreterSessionsResult
from .usage_code_interpreter_sessions_result_object import UsageCodeInterpreterSessionsResultObject
from .usage_completions_bucket import UsageCompletionsBucket
from .usage_completions_bucket_object import UsageCompletionsBucketObject
from .usage_completions_bucket_width import UsageCompletionsBucketWidth
from .usage_completions_group_by_item import UsageCompletionsGroupByItem
from .usage_completions_page import UsageCompletionsPage
from .usage_completions_page_object import UsageCompletionsPageObject
from .usage_completions_result import UsageCompletionsResult
from .usage_completions_result_api_source_type_0 import UsageCompletionsResultApiSourceType0
from .usage_completions_result_object import UsageCompletionsResultObject
from .usage_costs_bucket_width import UsageCostsBucketWidth
from .usage_costs_group_by_item import UsageCostsGroupByItem
from .usage_decisions_bucket import UsageDecisionsBucket
from .usage_decisions_bucket_object import UsageDecisionsBucketObject
from .usage_decisions_bucket_width import UsageDecisionsBucketWidth
from .usage_decisions_group_by_item import UsageDecisionsGroupByItem
from .usage_decisions_page import UsageDecisionsPage
from .usage_decisions_page_object import UsageDecisionsPageObject
from .usage_decisions_result import UsageDecisionsResult
from .usage_decisions_result_api_source_type_0 import UsageDecisionsResultApiSourceType0
from .usage_decisions_result_object import UsageDecisionsResultObject
from .usage_embeddings_bucket import UsageEmbeddingsBucket
from .usage_embeddings_bucket_object import UsageEmbeddingsBucketObject
from .usage_embeddings_bucket_width import UsageEmbeddingsBucketWidth
from .usage_embeddings_group_by_item import UsageEmbeddingsGroupByItem
from .usage_embeddings_page import UsageEmbeddingsPage
from .usage_embeddings_page_object import UsageEmbeddingsPageObject
from .usage_embeddings_result import UsageEmbeddingsResult
from .usage_embeddings_result_object import UsageEmbeddingsResultObject
from .usage_file_search_calls_bucket import UsageFileSearchCallsBucket
from .usage_file_search_calls_bucket_object import UsageFileSearchCallsBucketObject
from .usage_file_search_calls_bucket_width import UsageFileSearchCallsBucketWidth
from .usage_file_search_calls_group_by_item import UsageFileSearchCallsGroupByItem
from .usage_file_search_calls_page import UsageFileSearchCallsPage
from .usage_file_search_calls_page_object import UsageFileSearchCallsPageObject
from .usage_file_search_calls_result import UsageFileSearchCallsResult
from .usage_file_search_calls_result_object import UsageFileSearchCallsResultObject
from .usage_images_bucket import UsageImagesBucket
from .usage_images_bucket_object import UsageImagesBucketObject
from .usage_images_bucket_width import UsageImagesBucketWidth
from .usage_images_group_by_item import UsageImagesGroupByItem
from .usage_images_page import UsageImagesPage
from .usage_images_page_object import UsageImagesPageObject
from .usage_images_result import UsageImagesResult
from .usage_images_result_object import UsageImagesResultObject
from .usage_images_sizes_item import UsageImagesSizesItem
from .usage_images_sources_item import UsageImagesSourcesItem
from .usage_moderations_bucket import UsageModerationsBucket
from .usage_moderations_bucket_object import UsageModerationsBucketObject
from .usage_moderations_bucket_width import UsageModerationsBucketWidth
from .usage_moderations_group_by_item import UsageModerationsGroupByItem
from .usage_moderations_page import UsageModerationsPage
from .usage_moderations_page_object import UsageModerationsPageObject
from .usage_moderations_result import UsageModerationsResult
from .usage_moderations_result_object import UsageModerationsResultObject
from .usage_vector_stores_bucket import UsageVectorStoresBucket
from .usage_vector_stores_bucket_object import UsageVectorStoresBucketObject
from .usage_vector_stores_bucket_width import UsageVectorStoresBucketWidth
from .usage_vector_stores_group_by_item import UsageVectorStoresGroupByItem
from .usage_vector_stores_page import UsageVectorStoresPage
from .usage_vector_stores_page_object import UsageVectorStoresPageObject
from .usage_vector_stores_result import UsageVectorStoresResult
from .usage_vector_stores_result_object import UsageVectorStoresResultObject
from .usage_web_search_calls_bucket import UsageWebSearchCallsBucket
from .usage_web_search_calls_bucket_object import UsageWebSearchCallsBucketObject
from .usage_web_search_calls_bucket_width import UsageWebSearchCallsBucketWidth
from .usage_web_search_calls_context_levels_item import UsageWebSearchCallsContextLevelsItem
from .usage_web_search_calls_group_by_item import UsageWebSearchCallsGroupByItem
from .usage_web_search_calls_page import UsageWebSearchCallsPage
from .usage_web_search_calls_page_object import UsageWebSearchCallsPageObject
from .usage_web_search_calls_result import UsageWebSearchCallsResult
from .usage_web_search_calls_result_api_source_type_0 import UsageWebSearchCallsResultApiSourceType0
from .usage_web_search_calls_result_object import UsageWebSearchCallsResultObject
from .user_list_response import UserListResponse
from .user_list_response_object import UserListResponseObject

__all__ = (
    "AdminApiKey",
    "AdminApiKeyObject",
    "AdminApiKeyOwner",
    "AdminApiKeysListOrder",
    "ApiKeyList",
    "ApiKeyListObject",
    "AuditLog",
    "AuditLogActor",
    "AuditLogActorApiKey",
    "AuditLogActorApiKeyType",
    "AuditLogActorServiceAccount",
    "AuditLogActorSession",
    "AuditLogActorType",
    "AuditLogActorUser",
    "AuditLogApiKeyCreated",
    "AuditLogApiKeyCreatedData",
    "AuditLogApiKeyDeleted",
    "AuditLogApiKeyUpdated",
    "AuditLogApiKeyUpdatedChangesRequested",
    "AuditLogEventType",
    "AuditLogProject",
    "AuditLogRateLimitDeleted",
    "AuditLogRateLimitUpdated",
    "AuditLogRateLimitUpdatedChangesRequested",
    "CostsBucket",
    "CostsBucketObject",
    "CostsPage",
    "CostsPageObject",
    "CostsResult",
    "CostsResultAmount",
    "CostsResultApiSourceType0",
    "CostsResultObject",
    "CostsResultQuantityUnitType1",
    "Error",
    "ErrorResponse",
    "HealthAlertRule",
    "HealthAlertRuleCondition",
    "HealthAlertRuleConditionMetric",
    "HealthAlertRuleConditionSourceTier",
    "HealthAlertRuleConditionStatusClass",
    "HealthAlertRuleConditionType",
    "HealthAlertRuleFilters",
    "HealthAlertRuleFiltersServiceTiersItem",
    "HealthAlertRuleListResponse",
    "HealthAlertRuleListResponseObject",
    "HealthAlertRuleNotifications",
    "HealthAlertRuleNotificationsEmail",
    "HealthAlertRuleNotificationsWebhook",
    "HealthAlertRuleObject",
    "ListAuditLogsEffectiveAt",
    "ListAuditLogsResponse",
    "ListAuditLogsResponseObject",
    "ListOrganizationHealthAlertRulesType",
    "ListOrganizationSpendAlertsOrder",
    "ListProjectApiKeysOwnerProjectAccess",
    "ListProjectHealthAlertRulesType",
    "ListProjectSpendAlertsOrder",
    "OrganizationSpendAlert",
    "OrganizationSpendAlertCurrency",
    "OrganizationSpendAlertInterval",
    "OrganizationSpendAlertListResource",
    "OrganizationSpendAlertListResourceObject",
    "OrganizationSpendAlertObject",
    "OrganizationSpendLimitResource",
    "OrganizationSpendLimitResourceObject",
    "OrganizationUser",
    "OrganizationUserObject",
    "OrganizationUserProjectsType0",
    "OrganizationUserProjectsType0DataItem",
    "OrganizationUserProjectsType0Object",
    "OrganizationUserUser",
    "OrganizationUserUserObject",
    "Project",
    "ProjectApiKey",
    "ProjectApiKeyListResponse",
    "ProjectApiKeyListResponseObject",
    "ProjectApiKeyObject",
    "ProjectApiKeyOwner",
    "ProjectApiKeyOwnerProjectAccess",
    "ProjectApiKeyOwnerServiceAccount",
    "ProjectApiKeyOwnerType",
    "ProjectApiKeyOwnerUser",
    "ProjectApiKeySpendLimit",
    "ProjectApiKeySpendLimitCurrency",
    "ProjectApiKeySpendLimitEnforcement",
    "ProjectApiKeySpendLimitEnforcementStatus",
    "ProjectApiKeySpendLimitInterval",
    "ProjectListResponse",
    "ProjectListResponseObject",
    "ProjectObject",
    "ProjectRateLimit",
    "ProjectRateLimitListResponse",
    "ProjectRateLimitListResponseObject",
    "ProjectRateLimitObject",
    "ProjectServiceAccount",
    "ProjectServiceAccountListResponse",
    "ProjectServiceAccountListResponseObject",
    "ProjectServiceAccountObject",
    "ProjectServiceAccountRole",
    "ProjectSpendAlert",
    "ProjectSpendAlertCurrency",
    "ProjectSpendAlertInterval",
    "ProjectSpendAlertListResource",
    "ProjectSpendAlertListResourceObject",
    "ProjectSpendAlertObject",
    "ProjectSpendLimitResource",
    "ProjectSpendLimitResourceObject",
    "PublicProjectResidency",
    "SpendAlertNotificationChannel",
    "SpendAlertNotificationChannelType",
    "SpendLimitCurrencyType1",
    "SpendLimitEnforcement",
    "SpendLimitEnforcementStatusType1",
    "SpendLimitIntervalType1",
    "SpendLimitNotificationChannel",
    "SpendLimitNotificationChannelType",
    "UnknownUsageResult",
    "UsageAudioSpeechesBucket",
    "UsageAudioSpeechesBucketObject",
    "UsageAudioSpeechesBucketWidth",
    "UsageAudioSpeechesGroupByItem",
    "UsageAudioSpeechesPage",
    "UsageAudioSpeechesPageObject",
    "UsageAudioSpeechesResult",
    "UsageAudioSpeechesResultObject",
    "UsageAudioTranscriptionsBucket",
    "UsageAudioTranscriptionsBucketObject",
    "UsageAudioTranscriptionsBucketWidth",
    "UsageAudioTranscriptionsGroupByItem",
    "UsageAudioTranscriptionsPage",
    "UsageAudioTranscriptionsPageObject",
    "UsageAudioTranscriptionsResult",
    "UsageAudioTranscriptionsResultObject",
    "UsageCodeInterpreterSessionsBucket",
    "UsageCodeInterpreterSessionsBucketObject",
    "UsageCodeInterpreterSessionsBucketWidth",
    "UsageCodeInterpreterSessionsGroupByItem",
    "UsageCodeInterpreterSessionsPage",
    "UsageCodeInterpreterSessionsPageObject",
    "UsageCodeInterpreterSessionsResult",
    "UsageCodeInterpreterSessionsResultObject",
    "UsageCompletionsBucket",
    "UsageCompletionsBucketObject",
    "UsageCompletionsBucketWidth",
    "UsageCompletionsGroupByItem",
    "UsageCompletionsPage",
    "UsageCompletionsPageObject",
    "UsageCompletionsResult",
    "UsageCompletionsResultApiSourceType0",
    "UsageCompletionsResultObject",
    "UsageCostsBucketWidth",
    "UsageCostsGroupByItem",
    "UsageDecisionsBucket",
    "UsageDecisionsBucketObject",
    "UsageDecisionsBucketWidth",
    "UsageDecisionsGroupByItem",
    "UsageDecisionsPage",
    "UsageDecisionsPageObject",
    "UsageDecisionsResult",
    "UsageDecisionsResultApiSourceType0",
    "UsageDecisionsResultObject",
    "UsageEmbeddingsBucket",
    "UsageEmbeddingsBucketObject",
    "UsageEmbeddingsBucketWidth",
    "UsageEmbeddingsGroupByItem",
    "UsageEmbeddingsPage",
    "UsageEmbeddingsPageObject",
    "UsageEmbeddingsResult",
    "UsageEmbeddingsResultObject",
    "UsageFileSearchCallsBucket",
    "UsageFileSearchCallsBucketObject",
    "UsageFileSearchCallsBucketWidth",
    "UsageFileSearchCallsGroupByItem",
    "UsageFileSearchCallsPage",
    "UsageFileSearchCallsPageObject",
    "UsageFileSearchCallsResult",
    "UsageFileSearchCallsResultObject",
    "UsageImagesBucket",
    "UsageImagesBucketObject",
    "UsageImagesBucketWidth",
    "UsageImagesGroupByItem",
    "UsageImagesPage",
    "UsageImagesPageObject",
    "UsageImagesResult",
    "UsageImagesResultObject",
    "UsageImagesSizesItem",
    "UsageImagesSourcesItem",
    "UsageModerationsBucket",
    "UsageModerationsBucketObject",
    "UsageModerationsBucketWidth",
    "UsageModerationsGroupByItem",
    "UsageModerationsPage",
    "UsageModerationsPageObject",
    "UsageModerationsResult",
    "UsageModerationsResultObject",
    "UsageVectorStoresBucket",
    "UsageVectorStoresBucketObject",
    "UsageVectorStoresBucketWidth",
    "UsageVectorStoresGroupByItem",
    "UsageVectorStoresPage",
    "UsageVectorStoresPageObject",
    "UsageVectorStoresResult",
    "UsageVectorStoresResultObject",
    "UsageWebSearchCallsBucket",
    "UsageWebSearchCallsBucketObject",
    "UsageWebSearchCallsBucketWidth",
    "UsageWebSearchCallsContextLevelsItem",
    "UsageWebSearchCallsGroupByItem",
    "UsageWebSearchCallsPage",
    "UsageWebSearchCallsPageObject",
    "UsageWebSearchCallsResult",
    "UsageWebSearchCallsResultApiSourceType0",
    "UsageWebSearchCallsResultObject",
    "UserListResponse",
    "UserListResponseObject",
)

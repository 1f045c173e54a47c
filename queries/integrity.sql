-- name: reference_problems
-- Rows pointing at something that does not exist (the schema has no FOREIGN KEYs, see migration 001).
-- Whole database, not scoped: an administrator's and the importer's check. Empty result = sound.
SELECT 'staff.community_id' AS reference, count(*) AS rows FROM staff x
    WHERE NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'grid_cell.community_id', count(*) FROM grid_cell x
    WHERE NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'grid_cell.grid_worker_id', count(*) FROM grid_cell x
    WHERE x.grid_worker_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM staff p WHERE p.staff_id = x.grid_worker_id)
UNION ALL SELECT 'compound.community_id', count(*) FROM compound x
    WHERE NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'building.compound_id', count(*) FROM building x
    WHERE NOT EXISTS (SELECT 1 FROM compound p WHERE p.compound_id = x.compound_id)
UNION ALL SELECT 'building.grid_id', count(*) FROM building x
    WHERE x.grid_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM grid_cell p WHERE p.grid_id = x.grid_id)
UNION ALL SELECT 'stairwell.building_id', count(*) FROM stairwell x
    WHERE NOT EXISTS (SELECT 1 FROM building p WHERE p.building_id = x.building_id)
UNION ALL SELECT 'household.stairwell_id', count(*) FROM household x
    WHERE NOT EXISTS (SELECT 1 FROM stairwell p WHERE p.stairwell_id = x.stairwell_id)
UNION ALL SELECT 'resident.household_id', count(*) FROM resident x
    WHERE NOT EXISTS (SELECT 1 FROM household p WHERE p.household_id = x.household_id)
UNION ALL SELECT 'control_measure.resident_id', count(*) FROM control_measure x
    WHERE NOT EXISTS (SELECT 1 FROM resident p WHERE p.resident_id = x.resident_id)
UNION ALL SELECT 'volunteer.community_id', count(*) FROM volunteer x
    WHERE NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'volunteer.home_building_id', count(*) FROM volunteer x
    WHERE x.home_building_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM building p WHERE p.building_id = x.home_building_id)
UNION ALL SELECT 'app_user.community_id', count(*) FROM app_user x
    WHERE x.community_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'app_user.staff_id', count(*) FROM app_user x
    WHERE x.staff_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM staff p WHERE p.staff_id = x.staff_id)
UNION ALL SELECT 'app_user.volunteer_id', count(*) FROM app_user x
    WHERE x.volunteer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM volunteer p WHERE p.volunteer_id = x.volunteer_id)
UNION ALL SELECT 'volunteer_assignment.volunteer_id', count(*) FROM volunteer_assignment x
    WHERE x.volunteer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM volunteer p WHERE p.volunteer_id = x.volunteer_id)
UNION ALL SELECT 'volunteer_assignment.household_id', count(*) FROM volunteer_assignment x
    WHERE x.household_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM household p WHERE p.household_id = x.household_id)
UNION ALL SELECT 'testing_round.community_id', count(*) FROM testing_round x
    WHERE x.community_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'sampling_site.round_id', count(*) FROM sampling_site x
    WHERE x.round_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM testing_round p WHERE p.round_id = x.round_id)
UNION ALL SELECT 'sampling_site.building_id', count(*) FROM sampling_site x
    WHERE x.building_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM building p WHERE p.building_id = x.building_id)
UNION ALL SELECT 'batch.round_id', count(*) FROM batch x
    WHERE x.round_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM testing_round p WHERE p.round_id = x.round_id)
UNION ALL SELECT 'batch.site_id', count(*) FROM batch x
    WHERE x.site_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sampling_site p WHERE p.site_id = x.site_id)
UNION ALL SELECT 'batch.stairwell_id', count(*) FROM batch x
    WHERE x.stairwell_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stairwell p WHERE p.stairwell_id = x.stairwell_id)
UNION ALL SELECT 'tube.round_id', count(*) FROM tube x
    WHERE x.round_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM testing_round p WHERE p.round_id = x.round_id)
UNION ALL SELECT 'tube.site_id', count(*) FROM tube x
    WHERE x.site_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sampling_site p WHERE p.site_id = x.site_id)
UNION ALL SELECT 'sample.round_id', count(*) FROM sample x
    WHERE x.round_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM testing_round p WHERE p.round_id = x.round_id)
UNION ALL SELECT 'sample.resident_id', count(*) FROM sample x
    WHERE x.resident_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resident p WHERE p.resident_id = x.resident_id)
UNION ALL SELECT 'sample.tube_id', count(*) FROM sample x
    WHERE x.tube_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tube p WHERE p.tube_id = x.tube_id)
UNION ALL SELECT 'sample.site_id', count(*) FROM sample x
    WHERE x.site_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sampling_site p WHERE p.site_id = x.site_id)
UNION ALL SELECT 'retest.round_id', count(*) FROM retest x
    WHERE x.round_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM testing_round p WHERE p.round_id = x.round_id)
UNION ALL SELECT 'retest.resident_id', count(*) FROM retest x
    WHERE x.resident_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resident p WHERE p.resident_id = x.resident_id)
UNION ALL SELECT 'retest.from_tube_id', count(*) FROM retest x
    WHERE x.from_tube_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tube p WHERE p.tube_id = x.from_tube_id)
UNION ALL SELECT 'contact.volunteer_id', count(*) FROM contact x
    WHERE x.volunteer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM volunteer p WHERE p.volunteer_id = x.volunteer_id)
UNION ALL SELECT 'contact.household_id', count(*) FROM contact x
    WHERE x.household_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM household p WHERE p.household_id = x.household_id)
UNION ALL SELECT 'team.community_id', count(*) FROM team x
    WHERE x.community_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'team.grid_worker_id', count(*) FROM team x
    WHERE x.grid_worker_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM staff p WHERE p.staff_id = x.grid_worker_id)
UNION ALL SELECT 'team.doctor_id', count(*) FROM team x
    WHERE x.doctor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM staff p WHERE p.staff_id = x.doctor_id)
UNION ALL SELECT 'team.police_id', count(*) FROM team x
    WHERE x.police_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM staff p WHERE p.staff_id = x.police_id)
UNION ALL SELECT 'team_household.team_id', count(*) FROM team_household x
    WHERE x.team_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM team p WHERE p.team_id = x.team_id)
UNION ALL SELECT 'team_household.household_id', count(*) FROM team_household x
    WHERE x.household_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM household p WHERE p.household_id = x.household_id)
UNION ALL SELECT 'building_leader.volunteer_id', count(*) FROM building_leader x
    WHERE x.volunteer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM volunteer p WHERE p.volunteer_id = x.volunteer_id)
UNION ALL SELECT 'building_leader.building_id', count(*) FROM building_leader x
    WHERE x.building_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM building p WHERE p.building_id = x.building_id)
UNION ALL SELECT 'building_leader.stairwell_id', count(*) FROM building_leader x
    WHERE x.stairwell_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stairwell p WHERE p.stairwell_id = x.stairwell_id)
UNION ALL SELECT 'arrival_rule.community_id', count(*) FROM arrival_rule x
    WHERE x.community_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'arrival.resident_id', count(*) FROM arrival x
    WHERE x.resident_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resident p WHERE p.resident_id = x.resident_id)
UNION ALL SELECT 'arrival.measure_id', count(*) FROM arrival x
    WHERE x.measure_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM control_measure p WHERE p.measure_id = x.measure_id)
UNION ALL SELECT 'health_check.measure_id', count(*) FROM health_check x
    WHERE x.measure_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM control_measure p WHERE p.measure_id = x.measure_id)
UNION ALL SELECT 'health_check.resident_id', count(*) FROM health_check x
    WHERE x.resident_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resident p WHERE p.resident_id = x.resident_id)
UNION ALL SELECT 'fever_alert.check_id', count(*) FROM fever_alert x
    WHERE x.check_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM health_check p WHERE p.check_id = x.check_id)
UNION ALL SELECT 'fever_alert.resident_id', count(*) FROM fever_alert x
    WHERE x.resident_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resident p WHERE p.resident_id = x.resident_id)
UNION ALL SELECT 'measure_follower.measure_id', count(*) FROM measure_follower x
    WHERE x.measure_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM control_measure p WHERE p.measure_id = x.measure_id)
UNION ALL SELECT 'measure_follower.staff_id', count(*) FROM measure_follower x
    WHERE x.staff_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM staff p WHERE p.staff_id = x.staff_id)
UNION ALL SELECT 'measure_event.resident_id', count(*) FROM measure_event x
    WHERE x.resident_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resident p WHERE p.resident_id = x.resident_id)
UNION ALL SELECT 'measure_event.measure_id', count(*) FROM measure_event x
    WHERE x.measure_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM control_measure p WHERE p.measure_id = x.measure_id)
UNION ALL SELECT 'plan_version.round_id', count(*) FROM plan_version x
    WHERE x.round_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM testing_round p WHERE p.round_id = x.round_id)
UNION ALL SELECT 'plan_version.restored_from', count(*) FROM plan_version x
    WHERE x.restored_from IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan_version p WHERE p.version_id = x.restored_from)
UNION ALL SELECT 'plan_version_batch.version_id', count(*) FROM plan_version_batch x
    WHERE x.version_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan_version p WHERE p.version_id = x.version_id)
UNION ALL SELECT 'plan_version_batch.site_id', count(*) FROM plan_version_batch x
    WHERE x.site_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sampling_site p WHERE p.site_id = x.site_id)
UNION ALL SELECT 'plan_version_batch.stairwell_id', count(*) FROM plan_version_batch x
    WHERE x.stairwell_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stairwell p WHERE p.stairwell_id = x.stairwell_id)
UNION ALL SELECT 'tube_measure.measure_id', count(*) FROM tube_measure x
    WHERE x.measure_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM control_measure p WHERE p.measure_id = x.measure_id)
UNION ALL SELECT 'tube_measure.tube_id', count(*) FROM tube_measure x
    WHERE x.tube_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tube p WHERE p.tube_id = x.tube_id)
UNION ALL SELECT 'tube_measure.household_id', count(*) FROM tube_measure x
    WHERE x.household_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM household p WHERE p.household_id = x.household_id)
UNION ALL SELECT 'plan_proposal.round_id', count(*) FROM plan_proposal x
    WHERE x.round_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM testing_round p WHERE p.round_id = x.round_id)
UNION ALL SELECT 'plan_proposal.stairwell_id', count(*) FROM plan_proposal x
    WHERE x.stairwell_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stairwell p WHERE p.stairwell_id = x.stairwell_id)
UNION ALL SELECT 'plan_proposal.site_id', count(*) FROM plan_proposal x
    WHERE x.site_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sampling_site p WHERE p.site_id = x.site_id)
UNION ALL SELECT 'plan_proposal.version_id', count(*) FROM plan_proposal x
    WHERE x.version_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan_version p WHERE p.version_id = x.version_id)
UNION ALL SELECT 'supply_request.household_id', count(*) FROM supply_request x
    WHERE x.household_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM household p WHERE p.household_id = x.household_id)
UNION ALL SELECT 'supply_request.volunteer_id', count(*) FROM supply_request x
    WHERE x.volunteer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM volunteer p WHERE p.volunteer_id = x.volunteer_id)
UNION ALL SELECT 'supply_request_event.request_id', count(*) FROM supply_request_event x
    WHERE x.request_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM supply_request p WHERE p.request_id = x.request_id)
UNION ALL SELECT 'supply_request_event.volunteer_id', count(*) FROM supply_request_event x
    WHERE x.volunteer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM volunteer p WHERE p.volunteer_id = x.volunteer_id)
UNION ALL SELECT 'support_need.household_id', count(*) FROM support_need x
    WHERE x.household_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM household p WHERE p.household_id = x.household_id)
UNION ALL SELECT 'support_referral.community_id', count(*) FROM support_referral x
    WHERE x.community_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'support_referral_made.need_id', count(*) FROM support_referral_made x
    WHERE x.need_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM support_need p WHERE p.need_id = x.need_id)
UNION ALL SELECT 'support_referral_made.referral_id', count(*) FROM support_referral_made x
    WHERE x.referral_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM support_referral p WHERE p.referral_id = x.referral_id)
UNION ALL SELECT 'support_follow_up.need_id', count(*) FROM support_follow_up x
    WHERE x.need_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM support_need p WHERE p.need_id = x.need_id)
UNION ALL SELECT 'support_follow_up.household_id', count(*) FROM support_follow_up x
    WHERE x.household_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM household p WHERE p.household_id = x.household_id)
UNION ALL SELECT 'store_item.community_id', count(*) FROM store_item x
    WHERE NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'store_movement.item_id', count(*) FROM store_movement x
    WHERE NOT EXISTS (SELECT 1 FROM store_item p WHERE p.item_id = x.item_id)
UNION ALL SELECT 'store_movement.household_id', count(*) FROM store_movement x
    WHERE x.household_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM household p WHERE p.household_id = x.household_id)
UNION ALL SELECT 'store_movement.team_id', count(*) FROM store_movement x
    WHERE x.team_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM team p WHERE p.team_id = x.team_id)
UNION ALL SELECT 'store_movement.volunteer_id', count(*) FROM store_movement x
    WHERE x.volunteer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM volunteer p WHERE p.volunteer_id = x.volunteer_id)
UNION ALL SELECT 'pickup_point.community_id', count(*) FROM pickup_point x
    WHERE NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'pickup_building.building_id', count(*) FROM pickup_building x
    WHERE NOT EXISTS (SELECT 1 FROM building p WHERE p.building_id = x.building_id)
UNION ALL SELECT 'pickup_building.point_id', count(*) FROM pickup_building x
    WHERE NOT EXISTS (SELECT 1 FROM pickup_point p WHERE p.point_id = x.point_id)
UNION ALL SELECT 'health_code.resident_id', count(*) FROM health_code x
    WHERE x.resident_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resident p WHERE p.resident_id = x.resident_id)
UNION ALL SELECT 'fever_alert.code_id', count(*) FROM fever_alert x
    WHERE x.code_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM health_code p WHERE p.code_id = x.code_id)
UNION ALL SELECT 'disinfection_area.building_id', count(*) FROM disinfection_area x
    WHERE x.building_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM building p WHERE p.building_id = x.building_id)
UNION ALL SELECT 'disinfection_mark.area_id', count(*) FROM disinfection_mark x
    WHERE x.area_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM disinfection_area p WHERE p.area_id = x.area_id)
UNION ALL SELECT 'case_batch.community_id', count(*) FROM case_batch x
    WHERE NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'external_case.batch_id', count(*) FROM external_case x
    WHERE NOT EXISTS (SELECT 1 FROM case_batch p WHERE p.batch_id = x.batch_id)
UNION ALL SELECT 'external_case.community_id', count(*) FROM external_case x
    WHERE NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'external_case.building_id', count(*) FROM external_case x
    WHERE x.building_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM building p WHERE p.building_id = x.building_id)
UNION ALL SELECT 'risk_area.community_id', count(*) FROM risk_area x
    WHERE NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'risk_area_building.area_id', count(*) FROM risk_area_building x
    WHERE NOT EXISTS (SELECT 1 FROM risk_area p WHERE p.area_id = x.area_id)
UNION ALL SELECT 'risk_area_building.building_id', count(*) FROM risk_area_building x
    WHERE NOT EXISTS (SELECT 1 FROM building p WHERE p.building_id = x.building_id)
UNION ALL SELECT 'close_contact.case_id', count(*) FROM close_contact x
    WHERE NOT EXISTS (SELECT 1 FROM external_case p WHERE p.case_id = x.case_id)
UNION ALL SELECT 'close_contact.via_contact_id', count(*) FROM close_contact x
    WHERE x.via_contact_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM close_contact p WHERE p.contact_id = x.via_contact_id)
UNION ALL SELECT 'close_contact.resident_id', count(*) FROM close_contact x
    WHERE x.resident_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resident p WHERE p.resident_id = x.resident_id)
UNION ALL SELECT 'close_contact.measure_id', count(*) FROM close_contact x
    WHERE x.measure_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM control_measure p WHERE p.measure_id = x.measure_id)
UNION ALL SELECT 'gate.compound_id', count(*) FROM gate x
    WHERE NOT EXISTS (SELECT 1 FROM compound p WHERE p.compound_id = x.compound_id)
UNION ALL SELECT 'gate_pass.household_id', count(*) FROM gate_pass x
    WHERE NOT EXISTS (SELECT 1 FROM household p WHERE p.household_id = x.household_id)
UNION ALL SELECT 'gate_pass.resident_id', count(*) FROM gate_pass x
    WHERE x.resident_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resident p WHERE p.resident_id = x.resident_id)
UNION ALL SELECT 'pass_movement.pass_id', count(*) FROM pass_movement x
    WHERE NOT EXISTS (SELECT 1 FROM gate_pass p WHERE p.pass_id = x.pass_id)
UNION ALL SELECT 'pass_movement.gate_id', count(*) FROM pass_movement x
    WHERE NOT EXISTS (SELECT 1 FROM gate p WHERE p.gate_id = x.gate_id)
UNION ALL SELECT 'arrival.gate_id', count(*) FROM arrival x
    WHERE x.gate_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM gate p WHERE p.gate_id = x.gate_id)
UNION ALL SELECT 'arrival_visit.arrival_id', count(*) FROM arrival_visit x
    WHERE NOT EXISTS (SELECT 1 FROM arrival p WHERE p.arrival_id = x.arrival_id)
UNION ALL SELECT 'firm.community_id', count(*) FROM firm x
    WHERE NOT EXISTS (SELECT 1 FROM community p WHERE p.community_id = x.community_id)
UNION ALL SELECT 'firm.building_id', count(*) FROM firm x
    WHERE x.building_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM building p WHERE p.building_id = x.building_id)
UNION ALL SELECT 'firm_filing.firm_id', count(*) FROM firm_filing x
    WHERE NOT EXISTS (SELECT 1 FROM firm p WHERE p.firm_id = x.firm_id)
UNION ALL SELECT 'firm_pledge.firm_id', count(*) FROM firm_pledge x
    WHERE NOT EXISTS (SELECT 1 FROM firm p WHERE p.firm_id = x.firm_id)
UNION ALL SELECT 'firm_notice.firm_id', count(*) FROM firm_notice x
    WHERE NOT EXISTS (SELECT 1 FROM firm p WHERE p.firm_id = x.firm_id)
UNION ALL SELECT 'firm_notice_check.notice_id', count(*) FROM firm_notice_check x
    WHERE NOT EXISTS (SELECT 1 FROM firm_notice p WHERE p.notice_id = x.notice_id);
